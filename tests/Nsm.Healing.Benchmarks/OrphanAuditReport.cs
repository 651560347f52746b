using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the orphan audit benchmark as a section of docs/benchmarks.md.</summary>
public static class OrphanAuditReport
{
    public static string Render(IReadOnlyList<AuditBenchResult>? results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Orphan audit");
        md.AppendLine();
        if (results is not { Count: > 0 })
        {
            md.AppendLine("Not run.");
            return md.ToString();
        }

        md.AppendLine("One NSMgr's INITIAL_STATE_TRANSFER of N planted connections (a few carrying our identity with no grain: orphans; the");
        md.AppendLine("rest another identity: never touched), audited by a one-silo cluster when its first connection there opens the stream.");
        md.AppendLine("\"Request to last verdict\": from that first Request to the audit's last verdict (snapshot transfer, marking, audit,");
        md.AppendLine("every orphan's Close). \"Verdicts\": the audit alone, snapshot in hand. \"Marking\": what telling ours from foreign adds to");
        md.AppendLine("translating the same snapshot (time, bytes allocated), measured apart on the snapshot a bare client read. \"Allocated\":");
        md.AppendLine("the whole process (simulator, gRPC and silo) over the first interval. Meanwhile a burst of DOWN events for the");
        md.AppendLine("registered connection is handed through the monitor grain to its connection grain. With security on every path segment");
        md.AppendLine("carries an ES256 token, so the snapshot's size (MiB) outgrows the default `Nsm:Nsmgr:MaxReceiveMessageBytes` (64 MiB) well");
        md.AppendLine("before 100k connections: the run raises it to twice the snapshot.");
        md.AppendLine();
        md.AppendLine("| snapshot | MiB | orphans | request to last verdict (ms) | verdicts (ms) | marking (ms) | marking (MiB) | allocated (MiB) | orphans closed | foreign closed | events during the audit (events/s) | audit still running when they were through |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.SnapshotConnections} | {F(Mib(r.SnapshotBytes))} | {r.Orphans} | {F(r.FirstRequestToAuditDoneMs)} | {F(r.AuditVerdictsMs)} | {F1(r.MarkingMs)} | {F1(Mib(r.MarkingAllocatedBytes))} | " +
                          $"{F(Mib(r.ProcessAllocatedBytes))} | {r.OrphansClosed} | {r.ForeignClosed} | {F(r.EventsDeliveredPerSecond)} | {(r.AuditStillRunningWhenEventsWereThrough ? "yes" : "no")} |");
        }

        return md.ToString();
    }

    private static double Mib(long bytes) => bytes / 1024.0 / 1024.0;

    private static string F(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    private static string F1(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
