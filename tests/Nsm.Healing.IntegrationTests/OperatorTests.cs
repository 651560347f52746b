using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Operator verbs (heal now, pause, resume) and adopting a connection the NSC already holds.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OperatorTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Heal_now_restores_the_same_endpoint()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Heal_now_restores_the_same_endpoint));
        var grain = await scenario.ConnectAsync(id);
        var endpoint = (await grain.GetState()).Endpoint;

        await grain.HealNow();

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.Operator, healed.History[0].Trigger);
        Assert.Equal(HealDecision.Restore, healed.History[0].Decision);
        Assert.Equal(endpoint, healed.Endpoint);
        Assert.Empty(scenario.Simulator.Records.Closes(id));
    }

    [Fact]
    public async Task Paused_connection_remembers_the_trigger_and_heals_at_resume()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Paused_connection_remembers_the_trigger_and_heals_at_resume));
        var grain = await scenario.ConnectAsync(id);
        var before = await grain.GetState();

        await grain.Pause("maintenance window");
        await fixture.Cluster.Events(id).OnMonitorEvent(new MonitorEvent(MonitorEventKind.Down, before.Connection));
        var paused = await grain.GetState();
        Assert.Equal(ConnectionPhase.Paused, paused.Phase);
        Assert.Equal("maintenance window", paused.Reason);
        Assert.Single(scenario.Simulator.Records.Requests(id));

        await grain.Resume();

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History[0].Trigger);
        Assert.NotEqual(before.Endpoint, healed.Endpoint);
    }

    [Fact]
    public async Task Adopted_connection_is_healed_like_a_requested_one()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Adopted_connection_is_healed_like_a_requested_one));
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Nsm.Api.Path { PathSegments = { new PathSegment { Name = "nsc-own", Id = id } } };
        // The NSC made this connection itself, with its own SVID and token, before handing it over.
        using var channel = SecureNscChannel.Create(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var established = await new NetworkService.NetworkServiceClient(channel.CallInvoker).RequestAsync(request);
        var grain = fixture.Cluster.Connection(id);

        var adopted = await grain.Adopt(new AdoptRequest
        {
            NsmgrAddress = scenario.Simulator.NsmgrAddress("nsmgr-1"),
            Connection = established,
            MechanismPreferences = request.MechanismPreferences.ToList(),
            Policy = NscScenario.FastPolicy,
        });
        Assert.Equal(ConnectionPhase.Up, adopted.Phase);

        await grain.ReportDataPlane(DataPlaneVerdict.Down, established);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.NotEqual(established.NetworkServiceEndpointName, healed.Endpoint);
        Assert.Equal(2, scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK));
    }
}
