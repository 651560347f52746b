using System.Diagnostics;
using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Topology;
using Xunit.Abstractions;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Monitor workers on a three-silo cluster: one stream per NSMgr, storm control, missed and malformed events.</summary>
[Collection(MonitorClusterCollection.Name)]
public sealed class MonitorWorkerTests(MonitorClusterFixture fixture, ITestOutputHelper output)
{
    private HealingCluster Cluster => fixture.Cluster;

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Three_silos_hold_exactly_one_stream_per_nsmgr_for_500_connections()
    {
        await using var scenario = await NscScenario.StartAsync(Cluster, SimulatorTopology.Default(nodes: 2, nsesPerNode: 2));
        var ids = Enumerable.Range(0, 500).Select(i => NscScenario.NewId($"one-stream-{i}")).ToList();

        await ConnectAll(scenario, ids, i => i % 2 == 0 ? "nsmgr-1" : "nsmgr-2", parallelism: 25);

        // Concurrent first registrations must still list the NSMgr, or no supervisor could wake its monitor.
        var directory = await Cluster.Client.GetGrain<IMonitorDirectoryGrain>(0).List();
        foreach (var nsmgr in new[] { "nsmgr-1", "nsmgr-2" })
        {
            Assert.Contains(scenario.Simulator.NsmgrAddress(nsmgr), directory);
            var monitor = Cluster.Monitor(scenario.Simulator.NsmgrAddress(nsmgr));
            var status = await monitor.GetStatus();
            Assert.Equal(250, status.RegisteredConnections);
            // One owner for the whole run: the first activation (epoch 1), its stream never lost.
            Assert.Equal((1, 0), (status.Epoch, status.StreamLosses));
            // The fixture resyncs every ~2 s, which reopens the stream; so every stream the NSMgr saw opened must be
            // one the owner read a snapshot from, and only one is open.
            await Eventually.True(async () =>
                {
                    var snapshots = (await monitor.GetStatus()).Snapshots;
                    return scenario.Simulator.Records.OpenMonitorStreams(nsmgr) == 1
                        && scenario.Simulator.Records.MonitorStreamsOpened(nsmgr) == snapshots;
                },
                $"{nsmgr} to have one open stream, every stream it saw opened read by the owner");
        }
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Nsmgr_restart_with_1000_connections_restores_all_to_the_same_nse_within_the_budget()
    {
        await using var scenario = await NscScenario.StartAsync(Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var ids = Enumerable.Range(0, 1000).Select(i => NscScenario.NewId($"storm-{i}")).ToList();
        // Register no faster than the budget so the peak measured below belongs to the heal storm.
        await ConnectAll(scenario, ids, _ => "nsmgr-1", parallelism: MonitorClusterFixture.AdmissionMaxConcurrency);
        var endpoints = ids.ToDictionary(id => id, id => scenario.Simulator.WiringOf(id)!.Endpoint);
        var clock = Stopwatch.StartNew();

        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(500));
        // Watch the NSMgr's side (cheap), then check every grain once.
        await Eventually.True(() => scenario.Simulator.ConnectionsKnownBy("nsmgr-1").Count == ids.Count, "the NSMgr to know all 1000 again", TimeSpan.FromSeconds(60));
        var healedAfter = clock.Elapsed;
        await Eventually.True(async () => await CountUp(ids, requireHeal: true) == ids.Count, "all 1000 grains to be Up after a heal");

        output.WriteLine($"NSMgr restart (0.5 s down) with 1000 connections: all restored {healedAfter.TotalSeconds:0.00} s after the restart began; " +
            $"peak concurrent Requests at the NSMgr {scenario.Simulator.Records.PeakConcurrentRequests("nsmgr-1")} (budget {MonitorClusterFixture.AdmissionMaxConcurrency})");
        Assert.True(scenario.Simulator.Records.PeakConcurrentRequests("nsmgr-1") <= MonitorClusterFixture.AdmissionMaxConcurrency,
            $"peak {scenario.Simulator.Records.PeakConcurrentRequests("nsmgr-1")} exceeds the budget {MonitorClusterFixture.AdmissionMaxConcurrency}");
        Assert.All(ids, id => Assert.Equal(endpoints[id], scenario.Simulator.WiringOf(id)!.Endpoint));
        Assert.Empty(scenario.Simulator.Records.Closes());
        Assert.Empty(scenario.Simulator.Records.Duplicates());
    }

    [Fact]
    public async Task A_dropped_down_event_is_still_healed_by_the_resync()
    {
        await using var scenario = await NscScenario.StartAsync(Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(A_dropped_down_event_is_still_healed_by_the_resync));
        var grain = await scenario.ConnectAsync(id);
        var monitor = Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var snapshotsBefore = (await monitor.GetStatus()).Snapshots;

        scenario.Simulator.Faults.DropNextMonitorEvents("nsmgr-1", 1);
        scenario.Simulator.Faults.KillForwarder(scenario.Simulator.WiringOf(id)!.Forwarders[0]);

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History[0].Trigger);
        Assert.True((await monitor.GetStatus()).Snapshots > snapshotsBefore, "the DOWN was dropped, so only a fresh snapshot can have told the grain");
        Assert.True(scenario.Simulator.IsDataPlaneUp(id));
    }

    [Fact]
    public async Task Malformed_events_are_counted_and_never_break_the_worker()
    {
        await using var scenario = await NscScenario.StartAsync(Cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var id = NscScenario.NewId(nameof(Malformed_events_are_counted_and_never_break_the_worker));
        var grain = await scenario.ConnectAsync(id);
        var monitor = Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var before = await monitor.GetStatus();

        scenario.Simulator.Faults.InjectMonitorEvent("nsmgr-1", new ConnectionEvent
        {
            Type = ConnectionEventType.Update,
            Connections =
            {
                ["unknown"] = new Connection { Id = "x", State = State.Down, Path = new Api.Path { PathSegments = { new PathSegment { Name = "nsc", Id = "not-registered" } } } },
                ["no-path"] = new Connection { Id = "y", State = State.Down },
                ["empty-segment"] = new Connection { Id = "z", State = State.Down, Path = new Api.Path { PathSegments = { new PathSegment() } } },
            },
        });
        scenario.Simulator.Faults.InjectMonitorEvent("nsmgr-1", new ConnectionEvent { Type = ConnectionEventType.Delete });

        await Eventually.True(async () => (await monitor.GetStatus()).EventsUnmatched >= before.EventsUnmatched + 3, "the three unmatched entries to be counted");
        var after = await monitor.GetStatus();
        Assert.Equal(before.StreamLosses, after.StreamLosses);
        Assert.True(after.StreamConnected);
        Assert.Equal(ConnectionPhase.Up, (await grain.GetState()).Phase);

        // The worker still delivers what is real.
        scenario.Simulator.Faults.KillForwarder(scenario.Simulator.WiringOf(id)!.Forwarders[0]);
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
    }

    private async Task ConnectAll(NscScenario scenario, IReadOnlyList<string> ids, Func<int, string> nsmgrOf, int parallelism)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, ids.Count), new ParallelOptions { MaxDegreeOfParallelism = parallelism },
            async (i, _) => await scenario.ConnectAsync(ids[i], nsmgrOf(i), waitForMonitor: false));
        foreach (var nsmgr in ids.Select((_, i) => nsmgrOf(i)).Distinct())
        {
            await scenario.WaitForMonitorStream(nsmgr);
        }
    }

    private async Task<int> CountUp(IReadOnlyList<string> ids, bool requireHeal)
    {
        var states = await Task.WhenAll(ids.Select(id => Cluster.Connection(id).GetState()));
        return states.Count(s => s.Phase == ConnectionPhase.Up && (!requireHeal || s.History.Count > 0));
    }
}
