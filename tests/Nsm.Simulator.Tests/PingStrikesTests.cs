using Nsm.Simulator.Keepalive;

namespace Nsm.Simulator.Tests;

/// <summary>grpc-go's ping policing rule, case by case (internal/transport/http2_server.go, handlePing).</summary>
public sealed class PingStrikesTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly KeepalivePolicy Policy = new(TimeSpan.FromMinutes(5));

    [Fact]
    public void The_third_ping_strike_earns_goaway_the_second_does_not()
    {
        var strikes = new PingStrikes(Policy);

        Assert.False(strikes.OnClientPing(T0, streamOpen: true));
        Assert.False(strikes.OnClientPing(T0.AddSeconds(10), streamOpen: true));
        Assert.False(strikes.OnClientPing(T0.AddSeconds(20), streamOpen: true));
        Assert.Equal(2, strikes.Strikes);
        Assert.True(strikes.OnClientPing(T0.AddSeconds(30), streamOpen: true));
    }

    [Fact]
    public void Pings_at_least_min_time_apart_are_never_strikes()
    {
        var strikes = new PingStrikes(Policy);

        for (var i = 0; i < 10; i++)
        {
            Assert.False(strikes.OnClientPing(T0 + i * Policy.MinTime, streamOpen: true));
        }

        Assert.Equal(0, strikes.Strikes);
    }

    [Fact]
    public void Server_headers_or_data_forgive_the_next_ping_and_clear_the_strikes()
    {
        var strikes = new PingStrikes(Policy);
        strikes.OnClientPing(T0, streamOpen: true);
        strikes.OnClientPing(T0.AddSeconds(1), streamOpen: true);
        strikes.OnClientPing(T0.AddSeconds(2), streamOpen: true);

        strikes.OnServerHeadersOrData();

        Assert.False(strikes.OnClientPing(T0.AddSeconds(3), streamOpen: true));
        Assert.Equal(0, strikes.Strikes);
        // Only the next ping is forgiven: the one after is judged against it again.
        Assert.False(strikes.OnClientPing(T0.AddSeconds(4), streamOpen: true));
        Assert.Equal(1, strikes.Strikes);
    }

    [Fact]
    public void Without_an_open_stream_pings_within_two_hours_are_strikes()
    {
        var strikes = new PingStrikes(Policy);
        strikes.OnClientPing(T0, streamOpen: false);

        Assert.False(strikes.OnClientPing(T0.AddHours(1), streamOpen: false));

        Assert.Equal(1, strikes.Strikes);
    }

    [Fact]
    public void Permit_without_stream_judges_streamless_pings_by_min_time()
    {
        var strikes = new PingStrikes(Policy with { PermitWithoutStream = true });
        strikes.OnClientPing(T0, streamOpen: false);

        strikes.OnClientPing(T0.AddHours(1), streamOpen: false);

        Assert.Equal(0, strikes.Strikes);
    }
}
