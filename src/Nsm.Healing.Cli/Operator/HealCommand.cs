using System.CommandLine;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `heal &lt;id&gt;`: heal now (restore, or reselect when the data plane is known down), resetting the backoff.
/// With --wait, waits for that heal to end: Up is exit 0, Failed exit 1.
/// </summary>
public static class HealCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.Create();
        var wait = new Option<bool>("--wait") { Description = "Wait until the heal ends (Up: exit 0; Failed: exit 1)" };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "With --wait: give up waiting after this long [default 60s]",
            CustomParser = result => DurationParser.Parse(result, "--timeout"),
            DefaultValueFactory = _ => TimeSpan.FromSeconds(60),
        };
        var command = new Command("heal", "Heal a connection now (an Up one is restored; a Failed one tries again)") { id, wait, timeout };
        return verb.Bind(command, async call =>
        {
            var connectionId = call.Parse.GetRequiredValue(id);
            var before = await call.ExistingAsync(connectionId);
            if (before.Phase is ConnectionPhase.Closed or ConnectionPhase.Closing or ConnectionPhase.Paused or ConnectionPhase.Requesting)
            {
                throw CliException.Failed($"connection '{connectionId}' is {before.Phase}; only Up, Healing and Failed connections can be healed{(before.Phase == ConnectionPhase.Paused ? " (resume it first)" : "")}");
            }

            await call.Connection(connectionId).HealNow().WaitAsync(call.Cancellation);
            var after = call.Parse.GetValue(wait)
                ? await HealWaiter.UntilEndedAsync(call, connectionId, before, call.Parse.GetValue(timeout))
                : await call.Connection(connectionId).GetState().WaitAsync(call.Cancellation);
            call.WriteDetail(after);
            return after.Phase == ConnectionPhase.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
    }
}
