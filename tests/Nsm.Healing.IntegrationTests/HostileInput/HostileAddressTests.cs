using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Nsm.Healing.IntegrationTests.HostileInput.Support;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// NSMgr addresses that point nowhere, at a server that is not gRPC, or at one that accepts and never answers. The first
/// Request fails (within the request timeout) with an error naming the address and leaves no state; a monitor stream to
/// such an address counts as broken and is dialled again with backoff; the silo keeps serving.
/// </summary>
[Collection(HostileClusterCollection.Name)]
public sealed class HostileAddressTests(HostileClusterFixture fixture)
{
    public static TheoryData<string> Targets => ["nothing listening", "HTTP/1.1-only web server", "TCP listener answering garbage", "TCP listener that accepts and hangs"];

    [Theory]
    [MemberData(nameof(Targets))]
    public async Task The_first_request_fails_naming_the_address_and_leaves_no_state(string target)
    {
        await using var server = await StartAsync(target);
        var id = NscScenario.NewId("bad-address");
        var grain = fixture.Connection(id);
        var clock = Stopwatch.StartNew();

        var request = grain.Request(fixture.RequestFor(id, server.Address, HostileClusterFixture.ShortTimeoutPolicy));
        if (target == "TCP listener that accepts and hangs")
        {
            // The silo stays responsive while a call hangs: the grain answers, and says what it is doing.
            Assert.Equal(ConnectionPhase.Requesting, (await grain.GetState()).Phase);
        }

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => request);

        Assert.Contains(server.Address, error.Message);
        Assert.Contains($"Request for connection '{id}'", error.Message);
        // The Request and the owed Close each get at most the request timeout.
        Assert.True(clock.Elapsed < 2 * HostileClusterFixture.ShortTimeoutPolicy.RequestTimeout + TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        if (target == "TCP listener that accepts and hangs")
        {
            Assert.Equal("DeadlineExceeded", error.StatusCode);
        }

        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Equal(0, (await fixture.Monitor(server.Address).GetStatus()).RegisteredConnections);
        Assert.DoesNotContain(server.Address, await fixture.Client.GetGrain<IMonitorDirectoryGrain>(0).List());
    }

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(Targets))]
    public async Task A_monitor_stream_to_the_address_is_broken_and_dialled_again_with_backoff(string target)
    {
        var since = fixture.Logs.Mark();
        await using var server = await StartAsync(target);
        // A connection registered while the address still served, as after an NSMgr was replaced by something else.
        var monitor = fixture.Monitor(server.Address);
        var id = NscScenario.NewId("bad-address-monitor");
        await monitor.Register(id);
        try
        {
            await Eventually.True(() => fixture.Logs.Lines("MonitorStreamBroken", server.Address, since).Any(line => line.Contains("failure 3 in a row", StringComparison.Ordinal)),
                $"three broken streams in a row logged for {server.Address}");

            var status = await monitor.GetStatus();
            Assert.False(status.StreamConnected);
            // One outage, reported once to the connections however often the dial fails.
            Assert.Equal(1, status.StreamLosses);
            Assert.Single(fixture.Logs.Lines("MonitorStreamLost", server.Address, since));
            if (target == "TCP listener that accepts and hangs")
            {
                Assert.All(fixture.Logs.Lines("MonitorStreamBroken", server.Address, since), line => Assert.Contains("no INITIAL_STATE_TRANSFER within 1 s", line));
            }
        }
        finally
        {
            await monitor.Unregister(id);
        }
    }

    private static async Task<IHostileServer> StartAsync(string target) => target switch
    {
        "nothing listening" => new NothingListening(),
        "HTTP/1.1-only web server" => new Wrapped(await Http1OnlyServer.StartAsync()),
        "TCP listener answering garbage" => new Wrapped(RawTcpServer.AnswerGarbage()),
        "TCP listener that accepts and hangs" => new Wrapped(RawTcpServer.AcceptAndHang()),
        _ => throw new ArgumentOutOfRangeException(nameof(target), target, "unknown target"),
    };

    private interface IHostileServer : IAsyncDisposable
    {
        string Address { get; }
    }

    private sealed class Wrapped(IAsyncDisposable server) : IHostileServer
    {
        public string Address => server switch
        {
            Http1OnlyServer http1 => http1.Address,
            RawTcpServer tcp => tcp.Address,
            _ => throw new InvalidOperationException(),
        };

        public ValueTask DisposeAsync() => server.DisposeAsync();
    }

    /// <summary>A loopback port that was free a moment ago: connecting is refused.</summary>
    private sealed class NothingListening : IHostileServer
    {
        public NothingListening()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            Address = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            listener.Stop();
        }

        public string Address { get; }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
