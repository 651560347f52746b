using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Nsmgr;
using Nsm.Simulator;
using Nsm.Simulator.Keepalive;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The silo's NSMgr channels against an NSMgr that polices PINGs as grpc-go does by default (MinTime 5 min, 2 strikes):
/// a quiet monitor stream — the normal state of a node with few connections — must outlive many strike periods.
/// </summary>
public sealed class NsmgrKeepaliveTests
{
    /// <summary>
    /// Longer than three pings of any keepalive shorter than MinTime would take: the 10 s pings the silo used to send
    /// earned GOAWAY after about 30 s. Overridable for a long run (docs/reliability.md).
    /// </summary>
    internal static readonly TimeSpan QuietFor = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("NSM_QUIET_STREAM_SECONDS"), out var seconds) ? seconds : 50);

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_quiet_monitor_stream_survives_an_nsmgr_enforcing_grpc_go_keepalive_defaults()
    {
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1), security: SimulatorSecurity.Plaintext, keepalive: KeepalivePolicy.Default);
        var address = simulator.NsmgrAddress("nsmgr-1");
        var options = Options.Create(new NsmgrClientOptions { AllowedAddresses = HealingCluster.LoopbackNsmgrs });
        using var pool = new NsmgrChannelPool(options, new NsmgrAddressAllowList(options), TimeProvider.System);
        using var lease = pool.Rent(address);
        using var stream = new MonitorConnection.MonitorConnectionClient(lease.Channel).MonitorConnections(new MonitorScopeSelector());
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(ConnectionEventType.InitialStateTransfer, stream.ResponseStream.Current.Type);
        var next = stream.ResponseStream.MoveNext(CancellationToken.None);

        // Nothing to wait on: the claim is that nothing happens to a silent stream for this long.
        var ended = await Task.WhenAny(next, Task.Delay(QuietFor)) == next;

        Assert.False(ended, $"the quiet stream ended after less than {QuietFor}: {(next.IsFaulted ? next.Exception!.InnerException!.Message : "completed")}");
        Assert.Equal(0, simulator.Keepalive.GoAways);
        var id = NscScenario.NewId("quiet-stream");
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Path { PathSegments = { new PathSegment { Name = "nsc", Id = id } } };
        await new NetworkService.NetworkServiceClient(lease.Channel).RequestAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(10)), "the stream is still open and delivers the next event");
        Assert.Equal(ConnectionEventType.Update, stream.ResponseStream.Current.Type);
    }
}

/// <summary>The same claim through a silo: its monitor stream behind quiet connections is never lost, so nothing restores.</summary>
public sealed class QuietMonitorStreamTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Connections_behind_a_quiet_stream_to_a_grpc_go_policing_nsmgr_never_see_it_lost()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("quiet-connection");
        var grain = await scenario.ConnectAsync(id);
        var monitor = cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var startedAt = DateTime.UtcNow;

        // Nothing to wait on: the claim is that nothing happens to a silent stream for this long.
        while (DateTime.UtcNow - startedAt < NsmgrKeepaliveTests.QuietFor && (await monitor.GetStatus()).StreamLosses == 0)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(0, (await monitor.GetStatus()).StreamLosses);
        Assert.Equal(0, scenario.Simulator.Keepalive.GoAways);
        var state = await grain.GetState();
        Assert.Equal(ConnectionPhase.Up, state.Phase);
        Assert.Empty(state.History);
    }
}
