using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`close &lt;id&gt;`: closes the connection at its NSMgr, recorded as closed by an operator; no heal runs afterwards.</summary>
public static class CloseCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.Create();
        var command = new Command("close", "Close a connection at its NSMgr; it never heals again") { id };
        return verb.Bind(command, async call =>
        {
            var connectionId = call.Parse.GetRequiredValue(id);
            await call.ExistingAsync(connectionId);
            await call.Connection(connectionId).CloseByOperator().WaitAsync(call.Cancellation);
            var snapshot = await call.Connection(connectionId).GetState().WaitAsync(call.Cancellation);
            if (call.Json)
            {
                call.WriteDetail(snapshot);
            }
            else
            {
                call.Output.WriteLine($"{connectionId}: {snapshot.Phase}{(snapshot.Reason is null ? "" : $" ({snapshot.Reason})")}");
            }

            return snapshot.Phase == ConnectionPhase.Closed ? ExitCodes.Ok : ExitCodes.Failed;
        });
    }
}
