using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Telemetry;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Performs a heal and reads the Nsm.Healing instruments of that silo (and no other).</summary>
public sealed class MetricsTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_reselect_heal_shows_in_the_heal_connection_and_monitor_instruments()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        using var recorded = new RecordedMeasurements(cluster.Cluster.Silos[0].ServiceProvider.GetRequiredService<IMeterFactory>());
        await using var scenario = await NscScenario.StartAsync(cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId("metrics");
        var grain = await scenario.ConnectAsync(id);

        scenario.Simulator.Faults.KillForwarder(scenario.Simulator.WiringOf(id)!.Forwarders[0]);
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);

        Assert.Equal(1, recorded.Sum("nsm.heals.started", ("trigger", "ConnectionDown"), ("decision", "Reselect")));
        Assert.Equal(1, recorded.Sum("nsm.heals.succeeded", ("trigger", "ConnectionDown"), ("decision", "Reselect")));
        Assert.Equal(0, recorded.Sum("nsm.heals.failed"));
        Assert.Equal(1, recorded.Count("nsm.heal.duration", ("decision", "Reselect"), ("outcome", "Healed")));
        Assert.Equal(1, recorded.Sum("nsm.connections", ("phase", "Up")));
        Assert.Equal(0, recorded.Sum("nsm.connections", ("phase", "Healing")));
        Assert.Equal(1, recorded.Sum("nsm.monitor.streams"));
        Assert.True(recorded.Sum("nsm.monitor.events", ("result", "delivered")) >= 1);
    }

    /// <summary>Every measurement of the Nsm.Healing meter created by one silo's meter factory.</summary>
    private sealed class RecordedMeasurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

        public RecordedMeasurements(IMeterFactory siloMeters)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == HealingMetrics.MeterName && ReferenceEquals(instrument.Meter.Scope, siloMeters))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => _measurements.Enqueue((instrument.Name, value, tags.ToArray())));
            _listener.Start();
        }

        public double Sum(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Sum(m => m.Value);

        public int Count(string instrument, params (string Key, string Value)[] tags) => Matching(instrument, tags).Count();

        public void Dispose() => _listener.Dispose();

        private IEnumerable<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> Matching(string instrument, (string Key, string Value)[] tags) =>
            _measurements.Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(mt => mt.Key == t.Key && Equals(mt.Value, t.Value))));
    }
}
