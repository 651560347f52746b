using System.CommandLine;
using System.Globalization;
using System.IO;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Custody;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `top`: the blast radius per NSMgr, forwarder and NSE — connections, phases, heals in progress, loops, quarantines,
/// orphans, abandoned closes — from every silo's census (one call, however many connections).
/// </summary>
public static class TopCommand
{
    public static readonly string[] Headers = ["KIND", "NAME", "CONNECTIONS", "PHASES", "HEALING", "LOOPING", "QUARANTINED", "ORPHANS", "ABANDONED"];

    public static Command Create(OperatorVerb verb)
    {
        var command = new Command("top", "Show what rides on each NSMgr, forwarder and NSE, and how it is doing");
        return verb.Bind(command, async call =>
        {
            var radius = await call.Grains.GetGrain<IBlastRadiusGrain>(0).Read().WaitAsync(call.Cancellation);
            if (call.Json)
            {
                JsonOutput.Write(call.Output, radius);
            }
            else
            {
                Write(call.Output, radius);
            }

            return ExitCodes.Ok;
        });
    }

    public static void Write(TextWriter output, BlastRadius radius)
    {
        output.WriteLine($"{radius.Silos.Count} silo(s) reporting, as of {radius.At.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}");
        if (radius.Rows.Count == 0)
        {
            output.WriteLine("no connections");
        }
        else
        {
            TextTable.Write(output, Headers, radius.Rows.Select(Row));
        }

        var active = radius.Quarantine.Entries.Where(entry => entry.Until > radius.At).ToList();
        if (active.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("quarantined (new reselects avoid them):");
            TextTable.Write(output, ["KIND", "NAME", "SERVICES", "LOOPING CONNECTIONS", "SINCE", "UNTIL"], active.Select(entry => (IReadOnlyList<string>)
            [
                entry.Kind.ToString(),
                entry.Name,
                string.Join(",", entry.NetworkServices),
                Number(entry.LoopingConnections),
                entry.Since.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                entry.Until.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
            ]));
        }
    }

    private static IReadOnlyList<string> Row(BlastRadiusRow row) =>
    [
        row.Kind.ToString(),
        row.Name,
        Number(row.Connections),
        string.Join(" ", row.Phases.OrderBy(pair => Enum.Parse<ConnectionPhase>(pair.Key)).Select(pair => $"{pair.Key}={Number(pair.Value)}")),
        Number(row.HealsInProgress),
        Number(row.Looping),
        row.Quarantined ? "yes" : "no",
        Number(row.Orphans),
        Number(row.AbandonedCloses),
    ];

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
