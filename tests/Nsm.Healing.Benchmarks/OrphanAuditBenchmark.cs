using System.IO;
using System.Diagnostics;
using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Monitoring;
using Nsm.Simulator;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Benchmarks;

/// <summary>One orphan audit of a large snapshot, and what monitor events did while it ran.</summary>
public sealed record AuditBenchResult(
    int SnapshotConnections,
    long SnapshotBytes,
    int Orphans,
    double PlantSeconds,
    double FirstRequestToAuditDoneMs,
    double AuditVerdictsMs,
    double MarkingMs,
    long MarkingAllocatedBytes,
    long ProcessAllocatedBytes,
    int OrphansClosed,
    int ForeignClosed,
    int EventsDuringAudit,
    double EventsDeliveredPerSecond,
    bool AuditStillRunningWhenEventsWereThrough);

/// <summary>
/// The orphan audit of a large NSMgr snapshot. The simulator holds <c>connections</c> planted connections, of which
/// <c>orphans</c> carry our identity and no grain owns them, the rest another identity (never touched). A one-silo cluster
/// then registers one connection at that NSMgr: its monitor stream opens, reads the snapshot, marks what is ours and audits
/// it (after every reconnect and resync it does the same). Timed: from that first Request to the audit's last verdict; the
/// audit's verdicts alone; and, on the same snapshot read by a bare client, what marking "ours" adds to reading it (time
/// and bytes). Meanwhile a burst of DOWN events for the registered connection goes through the monitor grain to its
/// connection grain, timed until a marker after it is through: events are not held up behind the audit.
/// </summary>
public static class OrphanAuditBenchmark
{
    private const string Nsmgr = "nsmgr-1";
    private const int EventBurst = 2_000;

    public static async Task<AuditBenchResult> RunAsync(int connections, int orphans, TextWriter log)
    {
        var topology = HealStormBenchmark.Topology(connections);
        await using var sim = await NsmSimulator.StartAsync(topology);
        var us = DevelopmentTrust.Authority.IdOf("/nsm-healing").ToString();
        var plant = Stopwatch.StartNew();
        Parallel.For(0, connections, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            sim.PlantConnection(Nsmgr, $"audit-{i}", i < orphans ? us : "spiffe://nsm.test/another-nsc", "ns-1", HealStormBenchmark.SpreadOver(topology, i)));
        var plantSeconds = plant.Elapsed.TotalSeconds;
        log.WriteLine($"  orphan audit: {connections} connections planted ({orphans} ours) in {plantSeconds:0.0} s");

        var (snapshotBytes, markingMs, markingBytes) = await MarkingCostAsync(sim, us);

        // With security on, every path segment carries an ES256 token: a snapshot this large outgrows the default
        // Nsm:Nsmgr:MaxReceiveMessageBytes (64 MiB) at some 20k connections, so the run allows what it measured.
        await using var cluster = await BenchCluster.StartAsync(silos: 1, maxReceiveMessageBytes: (int)Math.Min(int.MaxValue, Math.Max(64L << 20, snapshotBytes * 2)));
        var address = sim.NsmgrAddress(Nsmgr);
        var monitor = cluster.Monitor(address);
        const string Keeper = "audit-keeper";
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var clock = Stopwatch.StartNew();
        await cluster.Connection(Keeper).Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(Keeper), ClientName = "nsc-bench" });
        await Eventually.True(async () => (await monitor.GetStatus()).Snapshots >= 1, "the snapshot to arrive", TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(1));

        // Events while the audit runs: stale DOWNs for the registered connection, each handed to its grain, then a marker.
        var unmatchedBefore = (await monitor.GetStatus()).EventsUnmatched;
        var events = Stopwatch.StartNew();
        for (var k = 0; k < EventBurst; k++)
        {
            sim.Faults.InjectMonitorEvent(Nsmgr, Down(Keeper, $"gone-{k}"));
        }

        sim.Faults.InjectMonitorEvent(Nsmgr, Down("audit-marker", ""));
        await Eventually.True(async () => (await monitor.GetStatus()).EventsUnmatched > unmatchedBefore, "the events to go through", TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(1));
        var eventsSeconds = events.Elapsed.TotalSeconds;
        var stillRunning = (await monitor.GetStatus()).OrphanAudits == 0;

        await Eventually.True(async () => (await monitor.GetStatus()).OrphanAudits >= 1, "the audit to finish", TimeSpan.FromMinutes(5), poll: TimeSpan.FromMilliseconds(5));
        var total = clock.Elapsed.TotalMilliseconds;
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var audit = (await monitor.GetStatus()).LastOrphanAudit!;
        var closes = sim.Records.Closes();
        var orphansClosed = closes.Count(c => c.Outcome == StatusCode.OK && c.Endpoint is not null && int.Parse(c.ConnectionId["audit-".Length..]) < orphans);
        var foreignClosed = closes.Count(c => c.ConnectionId != Keeper && c.ConnectionId.StartsWith("audit-", StringComparison.Ordinal) && int.TryParse(c.ConnectionId["audit-".Length..], out var i) && i >= orphans);
        var result = new AuditBenchResult(connections, snapshotBytes, orphans, plantSeconds, total, audit.Duration.TotalMilliseconds, markingMs, markingBytes, allocated,
            orphansClosed, foreignClosed, EventBurst, EventBurst / eventsSeconds, stillRunning);
        log.WriteLine($"  orphan audit: snapshot {snapshotBytes / 1024.0 / 1024.0:0} MiB; request to last verdict {total:0} ms, verdicts {result.AuditVerdictsMs:0} ms, marking {markingMs:0.0} ms / {markingBytes / 1024.0 / 1024.0:0.0} MiB, " +
                      $"{orphansClosed}/{orphans} orphans closed, {foreignClosed} foreign closed, events {result.EventsDeliveredPerSecond:0}/s during it (audit still running: {stillRunning})");
        return result;
    }

    /// <summary>The snapshot as a bare client reads it, translated as the loop does, without and with marking what is ours.</summary>
    private static async Task<(long SnapshotBytes, double Ms, long Bytes)> MarkingCostAsync(NsmSimulator sim, string us)
    {
        using var channel = NsmWire.Channel(sim.NsmgrAddress(Nsmgr));
        var client = new MonitorConnection.MonitorConnectionClient(channel.CallInvoker);
        using var call = client.MonitorConnections(new MonitorScopeSelector());
        await call.ResponseStream.MoveNext(CancellationToken.None);
        var snapshot = call.ResponseStream.Current;
        var subjects = TokenSubject.Encode([us]);
        Func<Connection, bool> ours = connection => OwnIdentity.IsOurs(connection, subjects);
        var times = new List<(double Plain, double Marked, long PlainBytes, long MarkedBytes)>();
        for (var round = 0; round < 5; round++)
        {
            var plain = Measure(() => MonitorEventTranslator.Observe(snapshot, includeUnchanged: true));
            var marked = Measure(() => MonitorEventTranslator.Observe(snapshot, includeUnchanged: true, ours));
            times.Add((plain.Ms, marked.Ms, plain.Bytes, marked.Bytes));
        }

        var median = times.OrderBy(t => t.Marked - t.Plain).ElementAt(times.Count / 2);
        return (snapshot.CalculateSize(), median.Marked - median.Plain, median.MarkedBytes - median.PlainBytes);
    }

    private static (double Ms, long Bytes) Measure(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        action();
        return (clock.Elapsed.TotalMilliseconds, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    private static ConnectionEvent Down(string id, string endpoint) => new()
    {
        Type = ConnectionEventType.Update,
        Connections =
        {
            [$"{id}-nsmgr"] = new Connection
            {
                Id = $"{id}-nsmgr",
                NetworkService = "ns-1",
                NetworkServiceEndpointName = endpoint,
                State = State.Down,
                Path = new Api.Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc-bench", Id = id }, new PathSegment { Name = Nsmgr, Id = $"{id}-nsmgr" } } },
            },
        },
    };
}
