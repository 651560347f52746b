using Nsm.Healing.Decisions;
using Nsm.Healing.Admission;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A heal hands each permit back once, the one way its reason calls for: served or failed at the NSMgr move the
/// admission's budget, a permit never used or cut short by the NSC's Close does not; a heal that ends gives its place
/// in the admission's queue back.
/// </summary>
[Collection(FaultClusterCollection.Name)]
public sealed class HealPermitTests(FaultClusterFixture fixture)
{
    [Fact]
    public async Task A_permit_granted_after_the_heal_ended_goes_back_unused_without_growing_the_budget()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("late-permit");
        await scenario.ConnectAsync(id);
        var admission = Admission(scenario);
        var before = await admission.GetStatus();

        // The admission grants the permit of a heal that ended meanwhile, and tells the connection.
        Assert.True((await admission.TryAdmit(id, PermitLease.Longest(HealPolicy.Default))).Admitted);
        await fixture.Cluster.Events(id).OnHealAdmitted();

        await Eventually.True(async () => (await admission.GetStatus()).InUse == before.InUse, "the permit handed back");
        Assert.Equal(before.Budget, (await admission.GetStatus()).Budget);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_close_that_cuts_a_heal_short_gives_its_permit_back_without_shrinking_the_budget()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("close-cuts-heal");
        var grain = await scenario.ConnectAsync(id, policy: NscScenario.FastPolicy with { RequestTimeout = TimeSpan.FromSeconds(30) });
        var admission = Admission(scenario);
        // Two heals served grow the budget from 1 to 3.
        for (var served = 1; served <= 2; served++)
        {
            await grain.HealNow();
            var count = served;
            await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == count);
        }

        await Eventually.True(async () => await admission.GetStatus() is { Budget: 3, InUse: 0 }, "a budget of 3, no permit in use");

        scenario.Simulator.Faults.SetRequestLatency(TimeSpan.FromSeconds(20));
        await grain.HealNow();
        await Eventually.True(() => scenario.Simulator.Records.ConcurrentRequests("nsmgr-1") == 1, "the heal's Request in flight");
        await grain.Close();

        await Eventually.True(async () => (await admission.GetStatus()).InUse == 0, "the permit handed back");
        Assert.Equal(3, (await admission.GetStatus()).Budget);
    }

    [Fact]
    public async Task A_heal_waiting_at_the_admission_gives_its_place_back_when_closed()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("queued-then-closed");
        var grain = await scenario.ConnectAsync(id);
        var admission = await QueueAHeal(scenario, grain);

        await grain.Close();

        await Eventually.True(async () => (await admission.GetStatus()).Waiting == 0, "the place in the queue given back");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_heal_waiting_at_the_admission_gives_its_place_back_when_paused()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("queued-then-paused");
        var grain = await scenario.ConnectAsync(id);
        var admission = await QueueAHeal(scenario, grain);

        await grain.Pause("test");

        await Eventually.True(async () => (await admission.GetStatus()).Waiting == 0, "the place in the queue given back");
    }

    /// <summary>Another holder takes the admission's only permit; the connection's heal then waits in its queue.</summary>
    private async Task<IHealAdmissionGrain> QueueAHeal(NscScenario scenario, IConnectionGrain grain)
    {
        var admission = Admission(scenario);
        Assert.True((await admission.TryAdmit("another-heal", PermitLease.Longest(HealPolicy.Default))).Admitted);
        await grain.HealNow();
        await Eventually.True(async () => (await admission.GetStatus()).Waiting == 1, "the heal waiting at the admission");
        return admission;
    }

    private IHealAdmissionGrain Admission(NscScenario scenario) =>
        fixture.Cluster.Client.GetGrain<IHealAdmissionGrain>(scenario.Simulator.NsmgrAddress("nsmgr-1"));
}
