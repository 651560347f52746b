using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`resume &lt;id&gt;` or `resume --nsmgr &lt;address&gt;`: act again, starting with any trigger remembered while paused.</summary>
public static class ResumeCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var target = new PauseResumeTarget("resume");
        var command = new Command("resume", "Resume healing a paused connection, or every connection of an NSMgr");
        target.AddTo(command);
        return verb.Bind(command, call => target.ApplyAsync(call, grain => grain.Resume(), ConnectionPhase.Up));
    }
}
