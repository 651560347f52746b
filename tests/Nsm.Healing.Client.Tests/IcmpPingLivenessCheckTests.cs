using System.Net;
using System.Net.NetworkInformation;
using Nsm.Api;

namespace Nsm.Healing.Client.Tests;

public sealed class IcmpPingLivenessCheckTests
{
    // TEST-NET-2 (RFC 5737): never assigned, so nothing answers it.
    private const string Silent = "198.51.100.1/32";

    private static readonly IcmpPingLivenessCheckOptions Fast = new() { ReplyTimeout = TimeSpan.FromMilliseconds(300) };

    /// <summary>Whether this host lets the test user send ICMP; where it does not, the check must say Unknown, never Down.</summary>
    private static readonly Lazy<bool> CanPing = new(() =>
    {
        try
        {
            using var ping = new Ping();
            return ping.Send(IPAddress.Loopback, 1000).Status == IPStatus.Success;
        }
        catch (Exception e) when (e is PingException or PlatformNotSupportedException)
        {
            return false;
        }
    });

    [Fact]
    public async Task Loopback_answers_or_the_host_cannot_ping_and_says_unknown()
    {
        var result = await Check(TestConnections.Kernel("loopback", "127.0.0.1/32"));

        if (CanPing.Value)
        {
            Assert.Equal(DataPlaneVerdict.Up, result.Verdict);
            Assert.Contains("127.0.0.1 answered", result.Reason);
        }
        else
        {
            Assert.Equal(DataPlaneVerdict.Unknown, result.Verdict);
            Assert.Contains("cannot send ICMP", result.Reason);
        }
    }

    [Fact]
    public async Task A_silent_destination_is_down_when_all_must_answer()
    {
        var result = await Check(TestConnections.Kernel("all-must-answer", "127.0.0.1/32", Silent));

        Assert.Equal(CanPing.Value ? DataPlaneVerdict.Down : DataPlaneVerdict.Unknown, result.Verdict);
        if (CanPing.Value)
        {
            Assert.Contains("198.51.100.1", result.Reason);
            Assert.DoesNotContain("127.0.0.1", result.Reason);
        }
    }

    [Fact]
    public async Task One_answer_is_enough_when_configured_so()
    {
        var check = new IcmpPingLivenessCheck(new IcmpPingLivenessCheckOptions { ReplyTimeout = Fast.ReplyTimeout, RequireAllDestinations = false });

        var result = await check.CheckAsync(TestConnections.Kernel("any-may-answer", Silent, "127.0.0.1"), CancellationToken.None);

        Assert.Equal(CanPing.Value ? DataPlaneVerdict.Up : DataPlaneVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public async Task A_connection_without_destination_ip_is_unknown()
    {
        var result = await Check(TestConnections.Kernel("no-ip"));

        Assert.Equal(LivenessResult.Unknown("the connection has no destination IP to ping"), result);
    }

    [Fact]
    public async Task A_connection_without_context_is_unknown()
    {
        var connection = TestConnections.Kernel("no-context");
        connection.Context = null;

        var result = await Check(connection);

        Assert.Equal(DataPlaneVerdict.Unknown, result.Verdict);
    }

    [Fact]
    public async Task A_destination_that_is_not_an_ip_is_unknown()
    {
        var result = await Check(TestConnections.Kernel("not-an-ip", "nse.example/32"));

        Assert.Equal(LivenessResult.Unknown("destination 'nse.example/32' is not an IP address"), result);
    }

    [Theory]
    [InlineData("MEMIF")]
    [InlineData("")]
    public async Task A_connection_that_is_not_a_kernel_interface_is_unknown(string mechanism)
    {
        var connection = TestConnections.Kernel("not-kernel", "127.0.0.1/32");
        connection.Mechanism.Type = mechanism;

        var result = await Check(connection);

        Assert.Equal(DataPlaneVerdict.Unknown, result.Verdict);
        Assert.Contains($"mechanism '{mechanism}' is not a kernel interface", result.Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_reply_timeout_below_a_millisecond_is_refused(int milliseconds)
    {
        var options = new IcmpPingLivenessCheckOptions { ReplyTimeout = TimeSpan.FromMilliseconds(milliseconds) };

        var error = Assert.Throws<ArgumentException>(() => new IcmpPingLivenessCheck(options));

        Assert.Contains("ReplyTimeout must be between 1 ms and", error.Message);
    }

    private static Task<LivenessResult> Check(Connection connection) =>
        new IcmpPingLivenessCheck(Fast).CheckAsync(connection, CancellationToken.None);
}
