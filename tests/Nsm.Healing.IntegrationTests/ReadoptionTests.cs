using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// Re-adoption over real sockets: an NSC asking again for its connection gets the one the cluster holds (no new Request
/// while it is Up; the same path, restored, after a joint restart with its NSMgr), and a changed request goes through.
/// </summary>
[Collection(CustodyClusterCollection.Name)]
public sealed class ReadoptionTests(CustodyClusterFixture fixture)
{
    [Fact]
    public async Task An_nsc_asking_again_for_a_connection_held_up_gets_it_with_no_request_at_the_nsmgr()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("reask");
        var grain = await scenario.ConnectAsync(id);
        var held = (await grain.GetState()).Connection!;

        var again = await grain.Request(scenario.RequestFor(id));

        Assert.Equal(ConnectionPhase.Up, again.Phase);
        Assert.Equal(held.Path.PathSegments.Select(s => s.Id), again.Connection!.Path.PathSegments.Select(s => s.Id));
        Assert.Single(scenario.Simulator.Records.Requests(id));
    }

    [Fact]
    public async Task A_changed_request_is_a_real_update_at_the_nsmgr_on_the_same_path()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("update");
        var grain = await scenario.ConnectAsync(id);
        var held = (await grain.GetState()).Connection!;
        var changed = scenario.RequestFor(id);
        changed.Request.Connection.Labels["app"] = "nsc-test-v2";

        var updated = await grain.Request(changed);

        Assert.Equal(ConnectionPhase.Up, updated.Phase);
        Assert.Equal("nsc-test-v2", updated.Connection!.Labels["app"]);
        Assert.Equal(held.Path.PathSegments.Select(s => s.Id), updated.Connection.Path.PathSegments.Select(s => s.Id));
        var requests = scenario.Simulator.Records.Requests(id);
        Assert.Equal(2, requests.Count);
        Assert.All(requests, r => Assert.Equal((StatusCode.OK, "nse-1"), (r.Outcome, r.Endpoint)));
        Assert.Empty(scenario.Simulator.Records.Closes(id));
    }

    [Fact]
    public async Task An_nsc_and_its_nsmgr_restarting_together_end_with_exactly_one_connection_at_the_nse()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("joint-restart");
        var grain = await scenario.ConnectAsync(id);
        // On the second NSE, so a fresh Request (which picks the first) would leave it beside a second connection.
        await grain.ReselectNow();
        await Eventually.True(() => scenario.Simulator.WiringOf(id)?.Endpoint == "nse-1b", "the connection to move to nse-1b");
        var held = (await Eventually.Phase(grain, ConnectionPhase.Up)).Connection!;

        var requestsBefore = scenario.Simulator.Records.Requests(id).Count;

        // The NSC goes away (its Close meets the NSMgr down) while its NSMgr restarts, forgetting everything...
        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        await grain.Close();
        scenario.Simulator.Faults.StartNsmgr("nsmgr-1");
        // ...and the restarted NSC asks for the same connection id again.
        var again = await grain.Request(scenario.RequestFor(id));

        Assert.Equal(ConnectionPhase.Up, again.Phase);
        Assert.Equal("nse-1b", again.Connection!.NetworkServiceEndpointName);
        Assert.Equal(held.Path.PathSegments.Select(s => s.Id), again.Connection.Path.PathSegments.Select(s => s.Id));
        Assert.Equal(["nse-1b"], [.. scenario.Simulator.Topology.Nodes[0].Nses.Select(n => n.Name).Where(nse => scenario.Simulator.ConnectionsAt(nse).Contains(id))]);
        Assert.Empty(scenario.Simulator.Records.Duplicates(id));
        // No fresh Request went out: every one accepted since the restart went to the held path's NSE.
        Assert.All(scenario.Simulator.Records.Requests(id).Skip(requestsBefore).Where(r => r.Outcome == StatusCode.OK), r => Assert.Equal("nse-1b", r.Endpoint));
    }
}
