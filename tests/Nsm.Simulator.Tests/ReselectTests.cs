using Nsm.Api;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class ReselectTests
{
    [Fact]
    public async Task Reselect_after_close_picks_another_nse_and_forwarder_and_new_addresses()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var first = await nsc.RequestAsync("c-1");

        await nsc.CloseAsync(first);
        var reselected = await nsc.RequestAsync(NscRequests.Reselect(first));

        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1b", "nse-1b"], Paths.Names(reselected));
        Assert.Equal(State.Up, reselected.State);
        // The NSMgr's segment keeps its id (same name at the same index); the hops after it changed.
        Assert.Equal(Paths.KeyAt(first, 1), Paths.KeyAt(reselected, 1));
        Assert.NotEqual(Paths.KeyAt(first, 3), Paths.KeyAt(reselected, 3));
        Assert.NotEqual(first.Context.IpContext.SrcIpAddrs[0], reselected.Context.IpContext.SrcIpAddrs[0]);
        Assert.True(sim.IsDataPlaneUp("c-1"));
        var requests = sim.Records.Requests("c-1");
        Assert.Equal([false, true], requests.Select(r => r.Reselect));
        Assert.Equal(CloseReason.Client, Assert.Single(sim.Records.Closes("c-1")).Reason);
        Assert.Empty(sim.Records.Duplicates());
    }

    [Fact]
    public async Task Reselect_of_a_known_id_closes_the_old_connection_first()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();
        var first = await nsc.RequestAsync("c-1");
        await monitor.NextSingleAsync(ConnectionEventType.Update);

        var reselected = await nsc.RequestAsync(NscRequests.Reselect(first));

        var deleted = await monitor.NextSingleAsync(ConnectionEventType.Delete);
        Assert.Equal("nse-1a", deleted.Value.NetworkServiceEndpointName);
        var updated = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal("nse-1b", updated.Value.NetworkServiceEndpointName);
        Assert.Equal("nse-1b", reselected.NetworkServiceEndpointName);
        var close = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((CloseReason.Reselect, "nse-1a"), (close.Reason, close.Endpoint));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1b"));
        Assert.Empty(sim.Records.Duplicates());
    }

    [Fact]
    public async Task Reselect_falls_back_to_the_same_nse_and_forwarder_when_there_is_no_other()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopologyWithOneOfEach());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var first = await nsc.RequestAsync("c-1");
        await nsc.CloseAsync(first);

        var reselected = await nsc.RequestAsync(NscRequests.Reselect(first));

        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1a", "nse-1"], Paths.Names(reselected));
        Assert.True(sim.IsDataPlaneUp("c-1"));
    }

    [Fact]
    public async Task Plain_request_that_moves_to_another_nse_leaves_a_duplicate_until_the_old_copy_expires()
    {
        var clock = Sim.Clock();
        var lifetime = TimeSpan.FromMinutes(1);
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var first = await nsc.RequestAsync("c-1");
        clock.Advance(TimeSpan.FromSeconds(20));

        var moved = NscRequests.Restore(first);
        moved.Connection.NetworkServiceEndpointName = "nse-1b";
        await nsc.RequestAsync(moved);

        var duplicate = Assert.Single(sim.Records.Duplicates("c-1"));
        Assert.Equal(["nse-1a", "nse-1b"], duplicate.Endpoints.Order());
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1a"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1b"));

        clock.Advance(TimeSpan.FromSeconds(40));

        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1b"));
        var expired = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((CloseReason.Expired, "nse-1a"), (expired.Reason, expired.Endpoint));
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-1"));
    }

    private static Topology.SimulatorTopology SimulatorTopologyWithOneOfEach() =>
        Topology.SimulatorTopology.Default(nodes: 1, forwardersPerNode: 1, nsesPerNode: 1);
}
