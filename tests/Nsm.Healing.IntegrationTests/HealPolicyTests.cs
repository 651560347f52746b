using Grpc.Core;
using Nsm.Healing.Grains;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>The policy decides what an ambiguous DOWN means, when a restore gives up on its endpoint, and when healing fails.</summary>
[Collection(ClusterCollection.Name)]
public sealed class HealPolicyTests(ClusterFixture fixture)
{
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(HealDecision.Reselect)]
    [InlineData(HealDecision.Restore)]
    public async Task Down_with_unknown_data_plane_follows_the_policy(HealDecision onUnknown)
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId($"down-unknown-{onUnknown}");
        var grain = await scenario.ConnectAsync(id, policy: NscScenario.FastPolicy with { OnDownWithUnknownDataPlane = onUnknown });
        var before = await grain.GetState();

        // The monitor worker's call, with the connection as the NSMgr would report it.
        await fixture.Cluster.Events(id).OnMonitorEvent(new MonitorEvent(MonitorEventKind.Down, before.Connection));

        var after = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        var heal = after.History.Single();
        Assert.Equal(HealTrigger.ConnectionDown, heal.Trigger);
        Assert.Equal(onUnknown, heal.Decision);
        var healingRequest = scenario.Simulator.Records.Requests(id).Last(r => r.Outcome == StatusCode.OK);
        Assert.Equal(onUnknown == HealDecision.Reselect, healingRequest.Reselect);
        if (onUnknown == HealDecision.Restore)
        {
            Assert.Equal(before.Endpoint, after.Endpoint);
            Assert.Empty(scenario.Simulator.Records.Closes(id));
        }
        else
        {
            Assert.NotEqual(before.Endpoint, after.Endpoint);
            Assert.Single(scenario.Simulator.Records.Closes(id));
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Restore_that_cannot_succeed_escalates_to_reselect_after_the_bound()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Restore_that_cannot_succeed_escalates_to_reselect_after_the_bound));
        var policy = NscScenario.FastPolicy with { OnDownWithUnknownDataPlane = HealDecision.Restore, RestoreAttemptsBeforeReselect = 3 };
        var grain = await scenario.ConnectAsync(id, policy: policy);
        var endpointBefore = (await grain.GetState()).Endpoint!;

        // Unregistered, no replacement: the NSMgr answers every restore "endpoint not registered".
        scenario.Simulator.Faults.KillNse(endpointBefore);

        var after = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        var heal = after.History.Single();
        Assert.True(heal.Escalated);
        Assert.Equal(HealDecision.Reselect, heal.Decision);
        Assert.Contains("RestoreAttemptsBeforeReselect=3", heal.Detail);
        Assert.NotEqual(endpointBefore, after.Endpoint);
        var requests = scenario.Simulator.Records.Requests(id);
        // The three restores the bound allows, and the restore that re-teaches the NSMgr before the reselect's Close
        // (a restore was under way: the NSMgr may have forgotten the connection), refused too since the NSE is gone.
        Assert.Equal(4, requests.Count(r => r.Outcome == StatusCode.NotFound && !r.Reselect));
        Assert.Single(requests, r => r.Outcome == StatusCode.OK && r.Reselect);
    }

    [Fact]
    public async Task Exhausted_policy_fails_visibly_with_the_reason()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId(nameof(Exhausted_policy_fails_visibly_with_the_reason));
        var grain = await scenario.ConnectAsync(id, policy: NscScenario.FastPolicy with { MaxAttempts = 3 });

        scenario.Simulator.Faults.KillNse("nse-1");

        var failed = await Eventually.Phase(grain, ConnectionPhase.Failed);
        Assert.Contains("MaxAttempts=3", failed.Reason);
        Assert.Contains("network service 'ns-1' has no", failed.Reason);
        Assert.Null(failed.CurrentHeal);
        Assert.Null(failed.NextAttemptAt);
        var heal = failed.History.Single();
        Assert.Equal(HealOutcome.Failed, heal.Outcome);
        Assert.Equal(3, heal.Attempts);
        Assert.Equal(3, scenario.Simulator.Records.Requests(id).Count(r => r.Reselect));
        // Ending Failed closes the connection at the NSMgr like any other ending: the Close before the first reselect,
        // then the final one.
        Assert.Equal(2, scenario.Simulator.Records.Closes(id, reason: CloseReason.Client).Count);
        Assert.Null(await fixture.Cluster.BackstopReminderOf(grain));
    }
}
