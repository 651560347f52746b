using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `close &lt;id&gt;`: closes the connection at its NSMgr, recorded as closed by an operator with --reason; no heal runs
/// afterwards. --force ends it Closed even when the NSMgr does not confirm the Close (the record says it was forced)
/// instead of retrying until our token expires.
/// </summary>
public static class CloseCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.Create();
        var force = new Option<bool>("--force")
        {
            Description = "End Closed even when the NSMgr does not confirm the Close (recorded as forced)",
        };
        var reason = ReasonOption.Create("in the connection's operator history");
        var command = new Command("close", "Close a connection at its NSMgr; it never heals again") { id, force, reason };
        return verb.Bind(command, parse => ReasonOption.Read(parse, reason), async (call, givenReason) =>
        {
            var connectionId = call.Parse.GetRequiredValue(id);
            await call.ExistingAsync(connectionId);
            await call.Connection(connectionId).CloseByOperator(givenReason, call.Parse.GetValue(force)).WaitAsync(call.Cancellation);
            var snapshot = await call.Connection(connectionId).GetState().WaitAsync(call.Cancellation);
            if (call.Json)
            {
                call.WriteDetail(snapshot);
            }
            else
            {
                call.Output.WriteLine($"{connectionId}: {snapshot.Phase}{(snapshot.CloseForced ? " (forced)" : "")}{(snapshot.Reason is null ? "" : $" ({snapshot.Reason})")}");
            }

            return snapshot.Phase == ConnectionPhase.Closed ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }
}
