using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`show &lt;id&gt;`: one connection in full, with its heal history. Exit 1 when it is Failed.</summary>
public static class ShowCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.Create();
        var command = new Command("show", "Show one connection and its heal history") { id };
        return verb.Bind(command, async call =>
        {
            var snapshot = await call.ExistingAsync(call.Parse.GetRequiredValue(id));
            call.WriteDetail(snapshot);
            return snapshot.Phase == ConnectionPhase.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
    }
}
