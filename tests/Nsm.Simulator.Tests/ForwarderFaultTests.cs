using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class ForwarderFaultTests
{
    [Fact]
    public async Task Killed_forwarder_sends_DOWN_and_takes_the_data_plane_down_until_a_restore_moves_off_it()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        using var monitor = await nsc.MonitorFromNowAsync();

        sim.Faults.KillForwarder("fwd-1a");

        var (key, value) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal((Paths.KeyAt(connection, 1), State.Down), (key, value.State));
        Assert.False(sim.IsDataPlaneUp("c-1"));

        var restored = await nsc.RequestAsync(NscRequests.Restore(connection));

        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1b", "nse-1a"], Paths.Names(restored));
        Assert.Equal(Paths.KeyAt(connection, 1), Paths.KeyAt(restored, 1));
        Assert.True(sim.IsDataPlaneUp("c-1"));
        Assert.Equal(State.Up, (await monitor.NextSingleAsync(ConnectionEventType.Update)).Value.State);
    }

    [Fact]
    public async Task Restarted_forwarder_sends_DOWN_and_a_restore_through_it_rewires_its_new_incarnation()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        var other = await nsc.RequestAsync("c-2", endpoint: "nse-1b");
        using var monitor = await nsc.MonitorFromNowAsync();

        sim.Faults.RestartForwarder("fwd-1a");

        var downs = new[] { await monitor.NextSingleAsync(ConnectionEventType.Update), await monitor.NextSingleAsync(ConnectionEventType.Update) };
        Assert.Equal(new[] { Paths.KeyAt(connection, 1), Paths.KeyAt(other, 1) }.Order(), downs.Select(d => d.Key).Order());
        Assert.All(downs, d => Assert.Equal(State.Down, d.Value.State));
        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.False(sim.IsDataPlaneUp("c-2"));

        var restored = await nsc.RequestAsync(NscRequests.Restore(connection));

        Assert.Equal(Paths.Ids(connection), Paths.Ids(restored));
        Assert.Equal(["fwd-1a"], sim.WiringOf("c-1")!.Forwarders);
        Assert.True(sim.IsDataPlaneUp("c-1"));
        Assert.False(sim.IsDataPlaneUp("c-2"));
    }

    [Fact]
    public async Task Connections_wired_through_a_killed_forwarder_or_to_an_nse_are_listed_with_their_nse()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");
        await nsc.RequestAsync("c-2", endpoint: "nse-1b");

        sim.Faults.KillForwarder("fwd-1a");

        Assert.Equal([("c-1", "nse-1a"), ("c-2", "nse-1b")], sim.ConnectionsWiredThrough("fwd-1a").OrderBy(c => c.Key).Select(c => (c.Key, c.Value)));
        Assert.Equal([("c-2", "nse-1b")], sim.ConnectionsWiredThrough("nse-1b").Select(c => (c.Key, c.Value)));
        Assert.Empty(sim.ConnectionsWiredThrough("fwd-1b"));
    }
}
