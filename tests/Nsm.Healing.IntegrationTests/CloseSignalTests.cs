using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Close wins over a heal in progress at every point of its attempt, not only while a Request is in flight.</summary>
[Collection(FaultClusterCollection.Name)]
public sealed class CloseSignalTests(FaultClusterFixture fixture)
{
    [Fact]
    public async Task A_close_while_a_heal_claims_its_attempt_stops_the_heal_before_any_nsmgr_call()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("close-during-claim");
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;
        var requestsBefore = scenario.Simulator.Records.Requests(id).Count;

        // The reselect's claim is slow to store; the NSC closes meanwhile.
        var claim = fixture.Storage.HoldNextWrite(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);
        await claim.Reached;
        var close = grain.Close();
        // One caller's calls reach the (single-silo, reentrant) activation in order, and Close raises its signal before
        // it first waits: once a later call is answered, the Close is known to be under way.
        await grain.GetState();
        claim.Release();
        await close;

        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
        Assert.Equal(requestsBefore, scenario.Simulator.Records.Requests(id).Count);
        Assert.Single(scenario.Simulator.Records.Closes(id));
    }
}
