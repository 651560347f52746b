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
    public async Task Close_after_the_nsmgr_forgot_the_connection_still_releases_it_at_the_named_nse()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-1b");
        sim.Faults.StopNsmgr("nsmgr-1");
        sim.Faults.StartNsmgr("nsmgr-1");
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));

        await nsc.CloseAsync(connection);

        Assert.Empty(sim.ConnectionsAt("nse-1b"));
        Assert.Equal("nse-1b", Assert.Single(sim.Records.Closes("c-1")).Endpoint);
    }
}
