using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

public sealed class NseFaultTests
{
    [Fact]
    public async Task Killed_nse_sends_DOWN_is_unregistered_and_its_connections_must_reselect()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        using var monitor = await nsc.MonitorFromNowAsync();

        sim.Faults.KillNse("nse-1a");

        var (key, value) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal((Paths.KeyAt(connection, 1), State.Down), (key, value.State));
        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        var restoreError = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(NscRequests.Restore(connection)));
        Assert.Equal(StatusCode.NotFound, restoreError.StatusCode);
        Assert.Equal("endpoint 'nse-1a' is not registered", restoreError.Status.Detail);

        await nsc.CloseAsync(connection);
        var reselected = await nsc.RequestAsync(NscRequests.Reselect(connection));

        Assert.Equal("nse-1b", reselected.NetworkServiceEndpointName);
        Assert.True(sim.IsDataPlaneUp("c-1"));
    }

    [Fact]
    public async Task Killed_nse_with_a_replacement_registers_a_new_nse_for_the_same_services()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default(nodes: 1));
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");

        sim.Faults.KillNse("nse-1", replacementName: "nse-9");
        await nsc.CloseAsync(connection);
        var reselected = await nsc.RequestAsync(NscRequests.Reselect(connection));

        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1b", "nse-9"], Paths.Names(reselected));
        Assert.NotEqual(connection.Context.IpContext.SrcIpAddrs[0], reselected.Context.IpContext.SrcIpAddrs[0]);
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-9"));
        Assert.True(sim.IsDataPlaneUp("c-1"));
    }

    [Fact]
    public async Task Service_whose_only_nse_died_is_unavailable()
    {
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default(nodes: 1));
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        sim.Faults.KillNse("nse-1");
        var error = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-1"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("network service 'ns-1' has no alive endpoint", error.Status.Detail);
        Assert.Throws<InvalidOperationException>(() => sim.Faults.KillNse("nse-1"));
        Assert.Throws<KeyNotFoundException>(() => sim.Faults.KillNse("nse-unknown"));
    }
}
