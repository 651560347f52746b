using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the ingestion benchmark as a section of docs/benchmarks.md, against the 50k no-op events/s and 0.8-of-the-floor changing events targets.</summary>
public static class IngestionReport
{
    private const double NoOpTarget = 50_000;

    // Changing (DOWN) events delivered into the connection grains, against the bare reader (issue 15).
    private const double ChangingTarget = 0.8;

    public static string Render(IReadOnlyList<IngestionResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Monitor ingestion");
        md.AppendLine();
        if (results.Count == 0)
        {
            md.AppendLine("Not run.");
            return md.ToString();
        }

        md.AppendLine("A burst of UPDATE events (one connection each, as an NSMgr sends them) queued at once on one NSMgr's monitor stream,");
        md.AppendLine("1000 registered connections, one silo; timed until a marker event sent after the burst is through. The floor is a bare");
        md.AppendLine("gRPC reader of the same stream from another simulator, rounds alternating. \"Changing\" events are DOWNs naming an endpoint");
        md.AppendLine("the connection no longer uses, each different: the monitor grain hands every one to its connection grain (one-way), which");
        md.AppendLine("judges it stale; the burst is kept under `Nsm:Monitor:QueueCapacity`, since a fuller queue resyncs by design. Medians.");
        md.AppendLine();
        md.AppendLine("| events | per round | rounds | floor (events/s) | ours (events/s) | ours/floor | target |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            var ratio = r.OursEventsPerSecond / r.FloorEventsPerSecond;
            var target = r.Events.StartsWith("no-op", StringComparison.Ordinal)
                ? $"≥ {NoOpTarget:0} no-op events/s: {(r.OursEventsPerSecond >= NoOpTarget ? "met" : "**missed**")}"
                : $"ours/floor ≥ {ChangingTarget.ToString("0.0", CultureInfo.InvariantCulture)}: {(ratio >= ChangingTarget ? "met" : "**missed**")} ({ratio.ToString("0.00", CultureInfo.InvariantCulture)})";
            md.AppendLine($"| {r.Events} | {r.EventsPerRound} | {r.Rounds} | {F(r.FloorEventsPerSecond)} | {F(r.OursEventsPerSecond)} | {ratio.ToString("0.00", CultureInfo.InvariantCulture)} | {target} |");
        }

        return md.ToString();
    }

    private static string F(double value) => value.ToString("0", CultureInfo.InvariantCulture);
}
