using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class CloseTests
{
    [Fact]
    public async Task Close_releases_the_connection_everywhere_and_sends_DELETE()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();
        var connection = await nsc.RequestAsync("c-1");
        await monitor.NextSingleAsync(ConnectionEventType.Update);

        await nsc.CloseAsync(connection);

        var deleted = await monitor.NextSingleAsync(ConnectionEventType.Delete);
        Assert.Equal(Paths.KeyAt(connection, 1), deleted.Key);
        Assert.Null(sim.WiringOf("c-1"));
        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));
        var close = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((CloseReason.Client, "nse-1a", StatusCode.OK), (close.Reason, close.Endpoint, close.Outcome));
        Assert.Equal(["fwd-1a"], close.Forwarders);
    }

    [Fact]
    public async Task Close_of_an_unknown_id_succeeds_and_is_recorded()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        await nsc.CloseAsync(NscRequests.New("c-ghost").Connection);
        await nsc.CloseAsync(NscRequests.New("c-ghost").Connection);

        var closes = sim.Records.Closes("c-ghost");
        Assert.Equal(2, closes.Count);
        Assert.All(closes, close => Assert.Equal((StatusCode.OK, (string?)null), (close.Outcome, close.Endpoint)));
    }

    [Fact]
    public async Task Close_after_the_nsmgr_forgot_the_connection_succeeds_and_passes_nothing_on()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-1b");
        sim.Faults.StopNsmgr("nsmgr-1");
        sim.Faults.StartNsmgr("nsmgr-1");
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));

        await nsc.CloseAsync(connection);

        // As upstream's begin element: no connection to close, so success, and nothing reaches the forwarder or NSE.
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1b"));
        var close = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((StatusCode.OK, (string?)null), (close.Outcome, close.Endpoint));
        clock.Advance(Sim.OneNodeTwoNses().TokenLifetime + TimeSpan.FromSeconds(1));
        await Eventually.True(() => sim.ConnectionsAt("nse-1b").Count == 0, "the wiring to expire with its token");
    }

    [Fact]
    public async Task A_lost_close_is_answered_with_success_and_releases_nothing()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        sim.Faults.LoseNextCloses("nsmgr-1", 1);

        await nsc.CloseAsync(connection);

        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1a"));
        var lost = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((CloseReason.Lost, StatusCode.OK, (string?)null), (lost.Reason, lost.Outcome, lost.Endpoint));

        await nsc.CloseAsync(connection);

        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Equal([CloseReason.Lost, CloseReason.Client], sim.Records.Closes("c-1").Select(c => c.Reason));
    }
}
