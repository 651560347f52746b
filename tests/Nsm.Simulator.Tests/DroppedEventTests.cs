using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class DroppedEventTests
{
    [Fact]
    public async Task Dropped_events_never_arrive_but_the_state_still_shows_them()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();

        sim.Faults.DropNextMonitorEvents("nsmgr-1", 2);
        var c1 = await nsc.RequestAsync("c-1");
        await nsc.CloseAsync(c1);
        var c2 = await nsc.RequestAsync("c-2");

        Assert.Equal(Paths.KeyAt(c2, 1), (await monitor.NextSingleAsync(ConnectionEventType.Update)).Key);
        using var fresh = await nsc.MonitorFromNowAsync();
        Assert.Equal([Paths.KeyAt(c2, 1)], fresh.Initial!.Connections.Keys);
    }
}
