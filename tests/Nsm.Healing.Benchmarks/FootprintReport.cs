using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the footprint benchmark as a section of docs/benchmarks.md, against the 4 KB and 2 KB targets.</summary>
public static class FootprintReport
{
    private const double HeldTargetBytes = 4096;
    private const double DeactivatedTargetBytes = 2048;

    public static string Render(IReadOnlyList<FootprintResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Footprint");
        md.AppendLine();
        if (results.Count == 0)
        {
            md.AppendLine("Not run.");
            return md.ToString();
        }

        md.AppendLine("N connections registered in one silo, Up and idle, each holding a four-hop path. Each repeat runs in a dedicated process");
        md.AppendLine("that holds only the silo and its cluster client (the simulator it dials runs in the benchmark's own process, so nothing");
        md.AppendLine("is subtracted). Managed heap after full, compacting collections (large-object heap included): before registering,");
        md.AppendLine("with all N registered (\"held\"), and after every connection grain is deactivated (\"deactivated\": the monitor's");
        md.AppendLine("registrations and, with memory storage, the stored state); \"activations\" is the difference. `redis` keeps the state in");
        md.AppendLine("a real redis-server, as the Redis profile does: those rows are what a production silo holds. Bytes per connection,");
        md.AppendLine("medians over the repeats; a negative component in any repeat is counted, not hidden.");
        md.AppendLine();
        md.AppendLine($"| N | storage | repeats | held (min–max) | of which activations | deactivated | negative components | set-up (s) | held ≤ {HeldTargetBytes:0} B | deactivated ≤ {DeactivatedTargetBytes:0} B |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.Connections} | {r.Storage} | {r.Samples.Count} | {B(r.SiloBytesPerConnection)} ({B(r.SiloMinBytesPerConnection)}–{B(r.SiloMaxBytesPerConnection)}) " +
                          $"| {B(r.ActivationBytesPerConnection)} | {B(r.DeactivatedBytesPerConnection)} | {r.NegativeSamples} " +
                          $"| {r.RegisterSeconds.ToString("0.0", CultureInfo.InvariantCulture)} | {Verdict(r.SiloBytesPerConnection, HeldTargetBytes)} | {Verdict(r.DeactivatedBytesPerConnection, DeactivatedTargetBytes)} |");
        }

        return md.ToString();
    }

    private static string Verdict(double bytes, double target) =>
        $"{(bytes <= target ? "met" : "**missed**")} ({(bytes / target).ToString("0.00", CultureInfo.InvariantCulture)})";

    private static string B(double bytes) => bytes.ToString("0", CultureInfo.InvariantCulture);
}
