using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`pause &lt;id&gt;` or `pause --nsmgr &lt;address&gt;`: stop acting on triggers until resumed (e.g. NSMgr maintenance).</summary>
public static class PauseCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var target = new PauseResumeTarget("pause");
        var reason = new Option<string>("--reason")
        {
            Description = "Why, shown as the connection's reason [default: paused by an operator]",
            DefaultValueFactory = _ => "paused by an operator",
        };
        var command = new Command("pause", "Stop healing a connection, or every connection of an NSMgr, until resumed") { reason };
        target.AddTo(command);
        return verb.Bind(command, call => target.ApplyAsync(call, grain => grain.Pause(call.Parse.GetValue(reason)!), ConnectionPhase.Paused));
    }
}
