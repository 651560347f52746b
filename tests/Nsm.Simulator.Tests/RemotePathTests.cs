using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

/// <summary>Default topology: node-1 (nsmgr-1, fwd-1a/b, nse-1) and node-2 (nsmgr-2, fwd-2a/b, nse-2).</summary>
public sealed class RemotePathTests
{
    [Fact]
    public async Task Request_without_an_endpoint_prefers_a_local_nse()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-2"));

        var connection = await nsc.RequestAsync("c-1");

        Assert.Equal(["nsc-1", "nsmgr-2", "fwd-2a", "nse-2"], Paths.Names(connection));
    }

    [Fact]
    public async Task Remote_request_builds_the_six_hop_path_and_both_nsmgrs_report_it_at_their_index()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var remote = new NscClient(sim.NsmgrAddress("nsmgr-2"));

        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-2");

        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1a", "nsmgr-2", "fwd-2a", "nse-2"], Paths.Names(connection));
        Assert.Equal(6, Paths.Ids(connection).Distinct().Count());
        Assert.StartsWith("10.2.", connection.Context.IpContext.SrcIpAddrs[0]);
        Assert.Equal(["fwd-1a", "fwd-2a"], sim.WiringOf("c-1")!.Forwarders);
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-2"));
        using var entryMonitor = await nsc.MonitorFromNowAsync();
        using var remoteMonitor = await remote.MonitorFromNowAsync();
        var atEntry = Assert.Single(entryMonitor.Initial!.Connections);
        var atRemote = Assert.Single(remoteMonitor.Initial!.Connections);
        Assert.Equal((Paths.KeyAt(connection, 1), 1u), (atEntry.Key, atEntry.Value.Path.Index));
        Assert.Equal((Paths.KeyAt(connection, 3), 3u), (atRemote.Key, atRemote.Value.Path.Index));
        Assert.Equal(Paths.KeyAt(connection, 3), atRemote.Value.Id);
    }

    [Fact]
    public async Task Remote_nsmgr_restart_sends_DOWN_at_the_entry_nsmgr_and_a_restore_after_it_is_back_keeps_everything()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-2");
        using var monitor = await nsc.MonitorFromNowAsync();

        var restart = sim.Faults.RestartNsmgrAsync("nsmgr-2", TimeSpan.FromSeconds(5));

        var (key, value) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal((Paths.KeyAt(connection, 1), State.Down), (key, value.State));
        Assert.True(sim.IsDataPlaneUp("c-1"));
        var whileDown = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(NscRequests.Restore(connection)));
        Assert.Equal((StatusCode.Unavailable, "nsmgr-2 is restarting"), (whileDown.StatusCode, whileDown.Status.Detail));

        clock.Advance(TimeSpan.FromSeconds(5));
        await restart;
        var restored = await nsc.RequestAsync(NscRequests.Restore(connection));

        Assert.Equal(Paths.Ids(connection), Paths.Ids(restored));
        Assert.Equal(State.Up, (await monitor.NextSingleAsync(ConnectionEventType.Update)).Value.State);
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-2"));
        Assert.True(sim.IsDataPlaneUp("c-1"));
    }

    [Fact]
    public async Task Forwarder_failure_is_reported_only_by_nsmgrs_before_it_on_the_path()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var remote = new NscClient(sim.NsmgrAddress("nsmgr-2"));
        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-2");
        using var entryMonitor = await nsc.MonitorFromNowAsync();
        using var remoteMonitor = await remote.MonitorFromNowAsync();

        sim.Faults.KillForwarder("fwd-1a");

        Assert.Equal(State.Down, (await entryMonitor.NextSingleAsync(ConnectionEventType.Update)).Value.State);
        // nsmgr-2 sits after fwd-1a, so its next event is the sentinel's, not a DOWN.
        var sentinel = await nsc.RequestAsync("c-sentinel", endpoint: "nse-2");
        Assert.Equal(Paths.KeyAt(sentinel, 3), (await remoteMonitor.NextSingleAsync(ConnectionEventType.Update)).Key);
        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1b", "nsmgr-2", "fwd-2a", "nse-2"], Paths.Names(sentinel));
        Assert.Equal(State.Up, (await entryMonitor.NextSingleAsync(ConnectionEventType.Update)).Value.State);

        sim.Faults.KillForwarder("fwd-2a");

        // Both NSMgrs sit before fwd-2a. c-1 is already DOWN at nsmgr-1, so it is not reported twice there.
        var atRemote = new[] { await remoteMonitor.NextSingleAsync(ConnectionEventType.Update), await remoteMonitor.NextSingleAsync(ConnectionEventType.Update) };
        Assert.Equal(new[] { Paths.KeyAt(connection, 3), Paths.KeyAt(sentinel, 3) }.Order(), atRemote.Select(e => e.Key).Order());
        Assert.All(atRemote, e => Assert.Equal(State.Down, e.Value.State));
        var atEntry = await entryMonitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal((Paths.KeyAt(sentinel, 1), State.Down), (atEntry.Key, atEntry.Value.State));
        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.False(sim.IsDataPlaneUp("c-sentinel"));
    }

    [Fact]
    public async Task Connection_requested_again_through_another_nsmgr_is_dropped_by_the_first()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default());
        using var first = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var second = new NscClient(sim.NsmgrAddress("nsmgr-2"));
        var viaFirst = await first.RequestAsync("c-1", endpoint: "nse-2");
        using var monitor = await first.MonitorFromNowAsync();

        await second.RequestAsync("c-1", endpoint: "nse-2");

        Assert.Equal(Paths.KeyAt(viaFirst, 1), (await monitor.NextSingleAsync(ConnectionEventType.Delete)).Key);
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-2"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-2"));
        Assert.Empty(sim.Records.Duplicates());
    }
}
