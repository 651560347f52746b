using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// Remote paths (NSC on node 1, NSE on another node): translates upstream's HealForwarder "Remote New" and
/// HealNSMgr "Remote New", where the failure is on the far side of the path.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RemoteHealingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Killed_remote_forwarder_is_healed_through_another_one()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, Topology(nseNodes: [2]));
        var id = NscScenario.NewId(nameof(Killed_remote_forwarder_is_healed_through_another_one));
        var grain = await scenario.ConnectAsync(id);
        var wiring = scenario.Simulator.WiringOf(id)!;
        var remoteForwarder = wiring.Forwarders.Single(f => f.StartsWith("fwd-2", StringComparison.Ordinal));

        scenario.Simulator.Faults.KillForwarder(remoteForwarder);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealDecision.Reselect, healed.History[0].Decision);
        Assert.DoesNotContain(remoteForwarder, scenario.Simulator.WiringOf(id)!.Forwarders);
        Assert.Equal(2, scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK));
        Assert.Single(scenario.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Lost_remote_nsmgr_moves_to_an_endpoint_on_a_third_node()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, Topology(nseNodes: [2, 3]));
        var id = NscScenario.NewId(nameof(Lost_remote_nsmgr_moves_to_an_endpoint_on_a_third_node));
        var grain = await scenario.ConnectAsync(id);
        var endpointBefore = (await grain.GetState()).Endpoint!;
        var remoteNsmgr = endpointBefore == "nse-2" ? "nsmgr-2" : "nsmgr-3";
        var otherEndpoint = endpointBefore == "nse-2" ? "nse-3" : "nse-2";

        scenario.Simulator.Faults.StopNsmgr(remoteNsmgr);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.Endpoint == otherEndpoint);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History.Single().Trigger);
        Assert.Single(scenario.Simulator.Records.Requests(id, endpoint: otherEndpoint), r => r.Outcome == StatusCode.OK);
        Assert.Empty(scenario.Simulator.Records.Duplicates(id));
    }

    [Fact]
    public async Task A_new_activation_restores_on_a_remote_nsmgr_restart_when_its_nsc_checks_the_vwire()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, Topology(nseNodes: [2, 3]));
        var id = NscScenario.NewId(nameof(A_new_activation_restores_on_a_remote_nsmgr_restart_when_its_nsc_checks_the_vwire));
        var grain = await scenario.ConnectAsync(id);
        var before = await grain.GetState();
        var remoteNsmgr = before.Endpoint == "nse-2" ? "nsmgr-2" : "nsmgr-3";
        await grain.ReportDataPlane(DataPlaneVerdict.Up, before.Connection);
        // The activation and what it heard from the NSC are gone, as after a failover; the stored connection remains.
        await fixture.Cluster.Cluster.DeactivateAsync(grain);

        // The entry NSMgr reports DOWN when the remote one goes: a control-plane fault along the path.
        scenario.Simulator.Faults.StopNsmgr(remoteNsmgr);
        await Eventually.Phase(grain, ConnectionPhase.Healing);
        scenario.Simulator.Faults.StartNsmgr(remoteNsmgr);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History[0].Trigger);
        Assert.Equal(HealDecision.Restore, healed.History[0].Decision);
        Assert.Equal(before.Endpoint, healed.Endpoint);
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(id), r => r.Reselect);
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    private static SimulatorTopology Topology(int[] nseNodes)
    {
        var builder = SimulatorTopology.Builder();
        foreach (var n in new[] { 1, 2, 3 })
        {
            builder.AddNode($"node-{n}", $"nsmgr-{n}", node =>
            {
                node.WithForwarders($"fwd-{n}a", $"fwd-{n}b");
                if (nseNodes.Contains(n))
                {
                    node.AddNse($"nse-{n}", "ns-1");
                }
            });
        }

        return builder.Build();
    }
}
