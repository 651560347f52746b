using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the footprint benchmark as a section of docs/benchmarks.md, against the 4 KB target.</summary>
public static class FootprintReport
{
    private const double TargetBytes = 4096;

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

        md.AppendLine("N connections registered in one silo (in-process cluster), Up and idle, each holding a four-hop path. Managed heap growth");
        md.AppendLine("per connection after full collections, minus what the in-process simulator itself keeps for the same N. Then every");
        md.AppendLine("connection grain is deactivated: what the heap gives back is what the activations held; what stays is the monitor's");
        md.AppendLine("registrations and, with memory storage, the stored state. `redis` keeps the state in a real redis-server, as the Redis");
        md.AppendLine("profile does: that row is what a production silo holds. Bytes per connection.");
        md.AppendLine();
        md.AppendLine($"| N | storage | in the silo | of which activations | of which monitor (and stored state) | simulator (subtracted) | set-up (s) | target ≤ {TargetBytes:0} B |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.Connections} | {r.Storage} | {B(r.SiloBytesPerConnection)} | {B(r.ActivationBytesPerConnection)} | {B(r.StorageAndMonitorBytesPerConnection)} " +
                          $"| {B(r.SimulatorBytesPerConnection)} | {r.RegisterSeconds.ToString("0.0", CultureInfo.InvariantCulture)} | {(r.SiloBytesPerConnection <= TargetBytes ? "met" : "**missed**")} |");
        }

        return md.ToString();
    }

    private static string B(double bytes) => bytes.ToString("0", CultureInfo.InvariantCulture);
}
