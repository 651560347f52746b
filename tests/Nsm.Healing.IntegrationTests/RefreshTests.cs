using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Refresh keeps path tokens alive on fake time; a failed refresh heals. Translates upstream's RefreshFailed_DataPlaneBroken.</summary>
[Collection(FakeTimeClusterCollection.Name)]
public sealed class RefreshTests(FakeTimeClusterFixture fixture)
{
    private static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(1);

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refresh_keeps_the_connection_up_past_several_token_lifetimes_without_a_heal()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, tokenLifetime: TokenLifetime), fixture.Time);
        var id = NscScenario.NewId(nameof(Refresh_keeps_the_connection_up_past_several_token_lifetimes_without_a_heal));
        var grain = await scenario.ConnectAsync(id);
        var start = fixture.Time.GetUtcNow();
        var refreshes = 0;

        while (fixture.Time.GetUtcNow() - start < TokenLifetime * 5)
        {
            var due = (await grain.GetState()).NextRefreshAt!.Value;
            Assert.True(due - fixture.Time.GetUtcNow() <= TokenLifetime * 0.2 + TimeSpan.FromSeconds(1), "refresh at the policy's fraction of the token lifetime");
            fixture.Time.Advance(due - fixture.Time.GetUtcNow());
            await Eventually.True(async () => (await grain.GetState()).NextRefreshAt > due, "the refresh to be answered");
            refreshes++;
        }

        var state = await grain.GetState();
        Assert.Equal(ConnectionPhase.Up, state.Phase);
        Assert.Empty(state.History);
        Assert.True(refreshes >= 20, $"expected a refresh every fifth of the lifetime, saw {refreshes}");
        Assert.Equal(1 + refreshes, scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK && !r.Reselect));
        Assert.Empty(scenario.Simulator.Records.Closes(id));
        Assert.Contains(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Failed_refresh_then_broken_data_plane_reselects_exactly_once()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2, tokenLifetime: TokenLifetime), fixture.Time);
        var id = NscScenario.NewId(nameof(Failed_refresh_then_broken_data_plane_reselects_exactly_once));
        var grain = await scenario.ConnectAsync(id);
        var before = await grain.GetState();
        var otherNse = before.Endpoint == "nse-1a" ? "nse-1b" : "nse-1a";

        scenario.Simulator.Faults.SetRequestFailureProbability(1.0, seed: 7, nsmgr: "nsmgr-1");
        fixture.Time.Advance(before.NextRefreshAt!.Value - fixture.Time.GetUtcNow());
        // Wait for a failed restore: its retry then waits on the fake clock, which stands still until we move it.
        var healing = await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.CurrentHeal!.Attempts >= 1);
        Assert.Equal(HealTrigger.RefreshFailed, healing.CurrentHeal!.Trigger);
        Assert.Equal(HealDecision.Restore, healing.CurrentHeal.Decision);

        scenario.Simulator.Faults.SetRequestFailureProbability(0, nsmgr: "nsmgr-1");
        scenario.Simulator.Faults.BreakDataPlane(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before.Connection);
        await fixture.AdvanceUntil(async () => (await grain.GetState()).Phase == ConnectionPhase.Up, TimeSpan.FromMilliseconds(50), "the reselect");

        var healed = await grain.GetState();
        Assert.Equal(otherNse, healed.Endpoint);
        Assert.Equal(HealDecision.Reselect, healed.History.Single().Decision);
        Assert.Single(scenario.Simulator.Records.Requests(id, endpoint: otherNse));
        Assert.Single(scenario.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Backstop_reminder_resumes_a_heal_after_the_grain_lost_its_activation()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, tokenLifetime: TimeSpan.FromMinutes(10)), fixture.Time);
        var id = NscScenario.NewId(nameof(Backstop_reminder_resumes_a_heal_after_the_grain_lost_its_activation));
        var grain = await scenario.ConnectAsync(id);
        // The NSMgr keeps its stream up but refuses Requests: the heal retries and nothing on the stream changes.
        scenario.Simulator.Faults.SetRequestFailureProbability(1.0, seed: 3, nsmgr: "nsmgr-1");
        await grain.HealNow();
        await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.CurrentHeal!.Attempts >= 1);
        Assert.NotNull(await fixture.Cluster.BackstopReminderOf(grain));

        // The activation and its timers are gone, as when a silo dies; only stored state and the reminder remain.
        await fixture.Cluster.Cluster.DeactivateAsync(grain);
        scenario.Simulator.Faults.SetRequestFailureProbability(0, nsmgr: "nsmgr-1");
        var acceptedBefore = scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK);
        await fixture.AdvanceUntil(
            () => Task.FromResult(scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK) > acceptedBefore),
            TimeSpan.FromSeconds(5), "the reminder to resume the restore");

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up);
        Assert.Equal(HealTrigger.Operator, healed.History.Single().Trigger);
        Assert.Equal(HealOutcome.Healed, healed.History.Single().Outcome);
        // The healed connection's reminder drops itself at its next tick.
        await fixture.AdvanceUntil(async () => await fixture.Cluster.BackstopReminderOf(grain) is null, TimeSpan.FromSeconds(10), "the backstop's tick to drop it");
    }
}
