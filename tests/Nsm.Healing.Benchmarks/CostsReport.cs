using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the costs benchmark as a section of docs/benchmarks.md.</summary>
public static class CostsReport
{
    public static string Render(IReadOnlyList<CostResult>? results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Costs that grow with the cluster");
        md.AppendLine();
        if (results is null || results.Count == 0)
        {
            md.AppendLine("Not run.");
            return md.ToString();
        }

        md.AppendLine("In-process cluster, memory storage. \"Before\" is the same cost as the service paid before: the monitor rewrote its whole");
        md.AppendLine("registration set per Register, every silo woke every connection of every NSMgr after a silo died, and every /status");
        md.AppendLine("request asked every connection grain. For /status, \"before\" is one fresh read (what every request cost).");
        md.AppendLine();
        md.AppendLine("| cost | connections | silos | ours | before | unit |");
        md.AppendLine("|---|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            md.AppendLine($"| {r.Cost} | {r.Connections} | {r.Silos} | {F(r.Ours)} | {F(r.Before)} | {r.Unit} |");
        }

        return md.ToString();
    }

    private static string F(double value) => double.IsNaN(value) ? "–" : value.ToString("0.###", CultureInfo.InvariantCulture);
}
