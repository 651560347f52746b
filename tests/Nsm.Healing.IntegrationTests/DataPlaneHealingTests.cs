using Grpc.Core;
using Nsm.Healing.Client;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The seed's "data plane is down" page: the NSC closes and requests a new endpoint. Translates upstream's
/// HealForwarder, HealEndpoint (local and remote), DataPlaneBroken_CtrlPlaneHealthy and _CtrlPlaneBroken.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DataPlaneHealingTests(ClusterFixture fixture)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Killed_forwarder_closes_once_then_requests_a_new_endpoint_and_watch_sees_it()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Killed_forwarder_closes_once_then_requests_a_new_endpoint_and_watch_sees_it));
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;
        using var watching = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watch = FirstAsync(grain.Watch(watching.Token), s => s.Phase == ConnectionPhase.Up && s.Endpoint != before.NetworkServiceEndpointName);

        scenario.Simulator.Faults.KillForwarder(scenario.Simulator.WiringOf(id)!.Forwarders[0]);

        var healed = await watch;
        Assert.NotEqual(before.NetworkServiceEndpointName, healed.Endpoint);
        Assert.NotEqual(before.Context.IpContext.SrcIpAddrs, healed.Connection!.Context.IpContext.SrcIpAddrs);
        Assert.Equal(HealDecision.Reselect, healed.History.Single().Decision);
        AssertReselectedOnce(scenario, id, before.NetworkServiceEndpointName);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("local", 1)]
    [InlineData("remote", 2)]
    public async Task Dead_endpoint_is_replaced_by_the_new_one(string where, int nseNode)
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, TwoNodesWithOneNseOn(nseNode));
        var id = NscScenario.NewId($"heal-endpoint-{where}");
        var grain = await scenario.ConnectAsync(id);

        scenario.Simulator.Faults.KillNse("nse", replacementName: "nse-2");

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, predicate: s => s.Endpoint == "nse-2");
        Assert.Single(scenario.Simulator.Records.Requests(id, endpoint: "nse-2"), r => r.Outcome == StatusCode.OK);
        AssertReselectedOnce(scenario, id, "nse");

        await grain.Close();
        Assert.Single(scenario.Simulator.Records.Closes(id, endpoint: "nse-2", reason: CloseReason.Client));
        Assert.Empty(scenario.Simulator.ConnectionsAt("nse-2"));
        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
        Assert.NotNull(healed.Connection);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Broken_data_plane_reported_by_liveness_moves_to_a_new_endpoint()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Broken_data_plane_reported_by_liveness_moves_to_a_new_endpoint));
        var grain = await scenario.ConnectAsync(id);
        var endpointBefore = (await grain.GetState()).Endpoint!;
        await using var reporter = scenario.StartLivenessReporter(id);

        scenario.Simulator.Faults.BreakDataPlane(id);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, predicate: s => s.Endpoint != endpointBefore);
        Assert.Equal(HealTrigger.DataPlaneDown, healed.History.Single().Trigger);
        AssertReselectedOnce(scenario, id, endpointBefore);
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Broken_data_plane_and_dead_endpoint_heal_to_the_replacement()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Broken_data_plane_and_dead_endpoint_heal_to_the_replacement));
        var grain = await scenario.ConnectAsync(id);
        await using var reporter = scenario.StartLivenessReporter(id);

        scenario.Simulator.Faults.KillNse("nse-1", replacementName: "nse-1-2");

        await Eventually.Phase(grain, ConnectionPhase.Up, predicate: s => s.Endpoint == "nse-1-2");
        Assert.Single(scenario.Simulator.Records.Requests(id, endpoint: "nse-1-2"), r => r.Outcome == StatusCode.OK);
        AssertReselectedOnce(scenario, id, "nse-1");
    }

    /// <summary>Exactly one Close by the client at the old endpoint, then a reselect; never two NSEs at once.</summary>
    private static void AssertReselectedOnce(NscScenario scenario, string id, string oldEndpoint)
    {
        var records = scenario.Simulator.Records;
        Assert.Single(records.Closes(id, reason: CloseReason.Client), c => c.Endpoint == oldEndpoint);
        var accepted = records.Requests(id).Where(r => r.Outcome == StatusCode.OK).ToList();
        Assert.Equal(2, accepted.Count);
        Assert.False(accepted[0].Reselect);
        Assert.True(accepted[1].Reselect);
        Assert.Empty(records.Duplicates(id));
        Assert.Equal(1, records.PeakInFlight(id));
    }

    private static SimulatorTopology TwoNodesWithOneNseOn(int nseNode) => SimulatorTopology.Builder()
        .AddNode("node-1", "nsmgr-1", node =>
        {
            node.WithForwarders("fwd-1a", "fwd-1b");
            if (nseNode == 1)
            {
                node.AddNse("nse", "ns-1");
            }
        })
        .AddNode("node-2", "nsmgr-2", node =>
        {
            node.WithForwarders("fwd-2a", "fwd-2b");
            if (nseNode == 2)
            {
                node.AddNse("nse", "ns-1");
            }
        })
        .Build();

    private static async Task<ConnectionSnapshot> FirstAsync(IAsyncEnumerable<ConnectionSnapshot> snapshots, Func<ConnectionSnapshot, bool> predicate)
    {
        await foreach (var snapshot in snapshots)
        {
            if (predicate(snapshot))
            {
                return snapshot;
            }
        }

        throw new InvalidOperationException("the watch ended before the awaited snapshot");
    }
}
