using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class DataPlaneBreakTests
{
    [Fact]
    public async Task Broken_data_plane_sends_no_event_and_only_the_liveness_check_sees_it()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");
        await nsc.RequestAsync("c-2");
        using var monitor = await nsc.MonitorFromNowAsync();

        sim.Faults.BreakDataPlane("c-1");
        var sentinel = await nsc.RequestAsync("c-sentinel");

        Assert.Equal(Paths.KeyAt(sentinel, 1), (await monitor.NextSingleAsync(ConnectionEventType.Update)).Key);
        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.True(sim.IsDataPlaneUp("c-2"));
        Assert.False(sim.WiringOf("c-1")!.DataPlaneUp);
    }

    [Fact]
    public async Task Refresh_keeps_a_broken_wiring_and_a_reselect_replaces_it()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        sim.Faults.BreakDataPlane("c-1");

        var refreshed = await nsc.RequestAsync(NscRequests.Restore(connection));
        Assert.False(sim.IsDataPlaneUp("c-1"));

        await nsc.CloseAsync(refreshed);
        await nsc.RequestAsync(NscRequests.Reselect(refreshed));
        Assert.True(sim.IsDataPlaneUp("c-1"));
    }

    [Fact]
    public async Task Breaking_an_unwired_connection_is_an_error()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());

        Assert.Throws<KeyNotFoundException>(() => sim.Faults.BreakDataPlane("c-unknown"));
    }
}
