using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The seed's "control plane is down" page: NSC keeps the working data plane and requests the same
/// endpoint once NSM recovers. Translates upstream's HealNSMgr and DatapathHealthy_CtrlPlaneBroken.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ControlPlaneHealingTests(ClusterFixture fixture)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Nsmgr_restart_restores_the_same_endpoint_without_a_close()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Nsmgr_restart_restores_the_same_endpoint_without_a_close));
        var grain = await scenario.ConnectAsync(id);
        var wiringBefore = scenario.Simulator.WiringOf(id)!;

        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(300));

        var restored = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count >= 1);
        var heal = Assert.Single(restored.History);
        Assert.Equal(HealTrigger.ControlPlaneLost, heal.Trigger);
        Assert.Equal(HealDecision.Restore, heal.Decision);
        Assert.Equal(HealOutcome.Healed, heal.Outcome);
        Assert.Equal(heal.EndpointBefore, heal.EndpointAfter);

        var accepted = scenario.Simulator.Records.Requests(id).Where(r => r.Outcome == StatusCode.OK).ToList();
        Assert.Equal(2, accepted.Count);
        Assert.All(accepted, r => Assert.Equal(wiringBefore.Endpoint, r.Endpoint));
        Assert.All(accepted, r => Assert.False(r.Reselect));
        Assert.Empty(scenario.Simulator.Records.Closes(id));
        Assert.True(scenario.Simulator.IsDataPlaneUp(id), "the data plane must survive a control plane outage");
        Assert.Contains(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Nse_control_plane_lost_with_healthy_datapath_never_moves_to_a_new_endpoint()
    {
        // Upstream: the liveness check says the datapath is fine, so the NSC must not move although the NSE died.
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Nse_control_plane_lost_with_healthy_datapath_never_moves_to_a_new_endpoint));
        var policy = NscScenario.FastPolicy with { RestoreAttemptsBeforeReselect = 2, OnDownWithUnknownDataPlane = HealDecision.Restore };
        var grain = await scenario.ConnectAsync(id, policy: policy);
        await grain.ReportDataPlane(DataPlaneVerdict.Up);

        scenario.Simulator.Faults.KillNse("nse-1", replacementName: "nse-1-2");

        await Eventually.True(
            () => scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.NotFound) >= policy.RestoreAttemptsBeforeReselect + 3,
            "restores to be rejected well past the escalation bound");
        var state = await grain.GetState();
        Assert.Equal(ConnectionPhase.Healing, state.Phase);
        Assert.Equal(HealDecision.Restore, state.CurrentHeal!.Decision);
        Assert.False(state.CurrentHeal.Escalated);
        Assert.Empty(scenario.Simulator.Records.Requests(id, endpoint: "nse-1-2"));
        Assert.Empty(scenario.Simulator.Records.Closes(id));
    }
}
