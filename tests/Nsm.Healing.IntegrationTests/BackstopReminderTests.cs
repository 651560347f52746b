using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The heal-backstop reminder is registered once per heal window, not once per heal: a heal that ends leaves it to its
/// next tick, which drops it off the heal path, and a heal that starts before then reuses it.
/// </summary>
[Collection(FakeTimeClusterCollection.Name)]
public sealed class BackstopReminderTests(FakeTimeClusterFixture fixture)
{
    [Fact]
    public async Task A_heal_leaves_its_backstop_to_the_next_tick_and_a_heal_before_then_reuses_it()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, tokenLifetime: TimeSpan.FromMinutes(10)), fixture.Time);
        var id = NscScenario.NewId(nameof(A_heal_leaves_its_backstop_to_the_next_tick_and_a_heal_before_then_reuses_it));
        var grain = await scenario.ConnectAsync(id);
        Assert.Null(await fixture.Cluster.BackstopReminderOf(grain));

        await grain.HealNow();
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        await Eventually.True(async () => await fixture.Cluster.BackstopReminderOf(grain) is not null, "the first heal's backstop to be registered");
        var registered = (await fixture.Cluster.BackstopReminderOf(grain))!;

        await grain.HealNow();
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 2);
        Assert.Equal(registered.ETag, (await fixture.Cluster.BackstopReminderOf(grain))?.ETag);

        // Its next tick finds the connection Up and unregisters it; the connection stays as it is.
        await fixture.AdvanceUntil(async () => await fixture.Cluster.BackstopReminderOf(grain) is null, TimeSpan.FromSeconds(10), "the backstop's tick to drop it");
        var after = await grain.GetState();
        Assert.Equal(ConnectionPhase.Up, after.Phase);
        Assert.Equal(2, after.History.Count);
    }
}
