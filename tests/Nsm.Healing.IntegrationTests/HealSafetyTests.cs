using Grpc.Core;
using Nsm.Healing.Grains;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Two ways a heal could leave a connection at two NSEs, both found by the chaos run (docs/reliability.md).</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealSafetyTests(ClusterFixture fixture)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_reselect_whose_close_the_nsmgr_did_not_answer_closes_again_before_its_request()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("close-unanswered");
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;

        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        scenario.Simulator.Faults.BreakDataPlane(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);
        // The Close before the reselect went unanswered at least once.
        await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.CurrentHeal is { Decision: HealDecision.Reselect, Attempts: >= 1 });
        scenario.Simulator.Faults.StartNsmgr("nsmgr-1");

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.NotEqual(before.NetworkServiceEndpointName, healed.Endpoint);
        var records = scenario.Simulator.Records;
        var closed = Assert.Single(records.Closes(id, endpoint: before.NetworkServiceEndpointName, reason: CloseReason.Client));
        Assert.Equal(StatusCode.OK, closed.Outcome);
        var reselect = records.Requests(id).Single(r => r.Outcome == StatusCode.OK && r.Reselect);
        Assert.True(closed.Timestamp < reselect.Timestamp, "the reselect Request went out before the old connection was closed");
        Assert.Empty(records.Duplicates(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task An_activation_whose_state_another_activation_wrote_stands_down_without_calling_the_nsmgr()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, processWideStorage: true);
        await using var scenario = await NscScenario.StartAsync(cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("stand-down");
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;
        var requestsBefore = scenario.Simulator.Records.Requests(id).Count;

        // A duplicate activation (Orleans may briefly run two while its directory moves) wrote the state meanwhile.
        GrainStateStore.ProcessWide.WriteAsAnotherActivation("connection", id);
        scenario.Simulator.Faults.BreakDataPlane(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);

        // The stale activation claims its attempt, fails the write and deactivates; the next call finds the stored
        // state (Up: the other activation had nothing to heal), and nothing reached the NSMgr in between.
        await Eventually.Phase(grain, ConnectionPhase.Up);
        Assert.Equal(requestsBefore, scenario.Simulator.Records.Requests(id).Count);
        Assert.Empty(scenario.Simulator.Records.Closes(id));

        // The NSC says so again: the current activation heals it, once.
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);
        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.NotEqual(before.NetworkServiceEndpointName, healed.Endpoint);
        Assert.Single(scenario.Simulator.Records.Requests(id), r => r.Outcome == StatusCode.OK && r.Reselect);
        Assert.Empty(scenario.Simulator.Records.Duplicates(id));
    }
}
