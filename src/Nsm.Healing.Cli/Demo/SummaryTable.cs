using System.Globalization;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Cli.Parsing;
using System.IO;

namespace Nsm.Healing.Cli.Demo;

/// <summary>The demo's closing table, one row per scenario, then each scenario's expectation and what missed it.</summary>
public static class SummaryTable
{
    public static void Write(TextWriter output, IReadOnlyList<ScenarioResult> results)
    {
        output.WriteLine();
        output.WriteLine("Summary");
        TextTable.Write(output, ["SCENARIO", "CONNECTIONS", "HEALS", "RESTORE", "RESELECT", "P50 HEAL", "P99 HEAL", "FAILURES", "RESULT"], results.Select(result => (IReadOnlyList<string>)
        [
            result.Name,
            Count(result.Connections),
            Count(result.Heals),
            Count(result.Restores),
            Count(result.Reselects),
            DurationParser.Format(result.P50),
            DurationParser.Format(result.P99),
            Count(result.Failures.Count),
            result.Skipped is not null ? "SKIPPED" : result.Passed ? "PASS" : "FAIL",
        ]));
        output.WriteLine();
        foreach (var result in results)
        {
            var verdict = result.Skipped is not null ? "skipped" : result.Passed ? "met" : "NOT met";
            output.WriteLine($"{result.Name}: expected {result.Expectation} — {verdict}");
            if (result.Skipped is not null)
            {
                output.WriteLine($"  {result.Skipped}");
            }

            foreach (var failure in result.Failures)
            {
                output.WriteLine($"  - {failure}");
            }
        }
    }

    private static string Count(int value) => value.ToString(CultureInfo.InvariantCulture);
}
