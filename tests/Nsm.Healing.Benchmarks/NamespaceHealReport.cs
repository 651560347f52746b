using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>The unix-socket heal with and without the NSC's namespace, against the 10% target.</summary>
public static class NamespaceHealReport
{
    private const double Target = 1.10;

    public static string Render(IReadOnlyList<NamespaceHealResult>? results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Heal over a unix socket with the NSC's namespace");
        md.AppendLine();
        if (results is not { Count: > 0 })
        {
            md.AppendLine("Not measured in this run.");
            return md.ToString();
        }

        md.AppendLine("Fault → heal Request at a unix-socket NSMgr (mTLS, signed tokens), Nsm.Orleans grain: a MEMIF connection, and a KERNEL one whose");
        md.AppendLine("namespace travels as SCM_RIGHTS below the TLS on every call (resolved once per activation). Milliseconds.");
        md.AppendLine();
        md.AppendLine($"| heal | without namespace p50 | with namespace p50 | without p99 | with p99 | with/without at p50 | target ≤ {Target.ToString("0.00", CultureInfo.InvariantCulture)} |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Heal} | {r.WithoutNamespace.P50Ms:0.00} | {r.WithNamespace.P50Ms:0.00} | {r.WithoutNamespace.P99Ms:0.00} | {r.WithNamespace.P99Ms:0.00} | {r.RatioP50:0.00} | {(r.RatioP50 <= Target ? "met" : "**missed**")} |"));
        }

        return md.ToString();
    }
}
