using Nsm.Healing.Grains;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Invariant 1: at most one Request or Close per connection in flight, however many triggers race.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SingleWriterTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Racing_triggers_never_put_two_calls_in_flight_for_one_connection()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        scenario.Simulator.Faults.SetRequestLatency(TimeSpan.FromMilliseconds(30));
        var ids = Enumerable.Range(0, 4).Select(i => NscScenario.NewId($"single-writer-{i}")).ToList();
        var grains = await Task.WhenAll(ids.Select(id => scenario.ConnectAsync(id)));

        await Task.WhenAll(ids.Select(async id =>
        {
            var grain = fixture.Cluster.Connection(id);
            var events = fixture.Cluster.Events(id);
            var current = (await grain.GetState()).Connection;
            await Task.WhenAll(
                grain.HealNow(),
                events.OnControlPlaneLost("test"),
                events.OnMonitorEvent(new MonitorEvent(MonitorEventKind.RefreshRequested, current)),
                grain.ReportDataPlane(DataPlaneVerdict.Down, current),
                events.OnControlPlaneRestored(),
                grain.HealNow());
        }));

        foreach (var (id, grain) in ids.Zip(grains))
        {
            await Eventually.Phase(grain, ConnectionPhase.Up, s => s.CurrentHeal is null && s.History.Count >= 1);
            Assert.Equal(1, scenario.Simulator.Records.PeakInFlight(id));
            Assert.Empty(scenario.Simulator.Records.Duplicates(id));
        }
    }
}
