using System.CommandLine;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`list`: every registered connection, optionally only one phase or one NSMgr's.</summary>
public static class ListCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var phase = new Option<ConnectionPhase?>("--phase") { Description = "Only connections in this phase (Up, Healing, Failed, Paused, …)" };
        var nsmgr = NsmgrOption.Create("Only connections behind this NSMgr");
        var command = new Command("list", "List registered connections") { phase, nsmgr };
        return verb.Bind(command, async call =>
        {
            var ids = await ConnectionDirectory.ConnectionIdsAsync(call.Grains, call.Parse.GetValue(nsmgr)).WaitAsync(call.Cancellation);
            var snapshots = (await ConnectionDirectory.SnapshotsAsync(call.Grains, ids).WaitAsync(call.Cancellation))
                .Where(snapshot => call.Parse.GetValue(phase) is not { } wanted || snapshot.Phase == wanted)
                .ToList();
            if (call.Json)
            {
                JsonOutput.Write(call.Output, snapshots.Select(snapshot => ConnectionView.Of(snapshot, withHistory: false)));
            }
            else if (snapshots.Count == 0)
            {
                call.Output.WriteLine("no connections");
            }
            else
            {
                TextTable.Write(call.Output, SnapshotText.RowHeaders, snapshots.Select(SnapshotText.Row));
            }

            return ExitCodes.Ok;
        });
    }
}
