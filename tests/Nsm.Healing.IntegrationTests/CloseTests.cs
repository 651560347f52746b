using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>A Close wins over a heal and leaves nothing behind. Translates upstream's CloseHeal.</summary>
[Collection(ClusterCollection.Name)]
public sealed class CloseTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Close_during_a_heal_stops_it_and_leaves_nothing_behind()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Close_during_a_heal_stops_it_and_leaves_nothing_behind));
        var grain = await scenario.ConnectAsync(id);
        using var watching = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watchEnded = DrainAsync(grain.Watch(watching.Token));

        scenario.Simulator.Faults.KillNse("nse-1");
        await Eventually.True(() => scenario.Simulator.Records.Requests(id).Count(r => r.Reselect) >= 2, "the heal to be retrying");
        Assert.NotNull(await fixture.Cluster.BackstopReminderOf(grain));

        await grain.Close();

        var closed = await grain.GetState();
        Assert.Equal(ConnectionPhase.Closed, closed.Phase);
        Assert.Equal(HealOutcome.Cancelled, closed.History.Single().Outcome);
        Assert.Null(closed.NextAttemptAt);
        Assert.Null(await fixture.Cluster.BackstopReminderOf(grain));
        await watchEnded;

        // Closed means unregistered: nobody watches this NSMgr for it any more.
        await Eventually.True(() => scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1") == 0, "the monitor stream to close with the last connection");

        // Late triggers after the close must not heal, even with the NSMgr back.
        var requestsAtClose = scenario.Simulator.Records.Requests(id).Count;
        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(100));
        await fixture.Cluster.Events(id).OnControlPlaneRestored();
        await fixture.Cluster.Events(id).OnControlPlaneLost("test: a late loss after close");
        await fixture.Cluster.Connection(id).HealNow();
        Assert.Equal(requestsAtClose, scenario.Simulator.Records.Requests(id).Count);
        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
        Assert.Equal(1, scenario.Simulator.Records.PeakInFlight(id));
    }

    [Fact]
    public async Task Close_of_a_healthy_connection_closes_it_at_the_nse_once()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Close_of_a_healthy_connection_closes_it_at_the_nse_once));
        var grain = await scenario.ConnectAsync(id);

        await grain.Close();
        await grain.Close();

        Assert.Single(scenario.Simulator.Records.Closes(id, endpoint: "nse-1", reason: CloseReason.Client));
        Assert.Empty(scenario.Simulator.ConnectionsAt("nse-1"));
        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
    }

    private static async Task DrainAsync(IAsyncEnumerable<ConnectionSnapshot> snapshots)
    {
        await foreach (var _ in snapshots)
        {
        }
    }
}
