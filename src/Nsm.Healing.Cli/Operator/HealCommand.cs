using System.CommandLine;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `heal &lt;id&gt;`: heal now (restore, or reselect when the data plane is known down; --reselect always reselects, past
/// any heal-loop backoff), resetting the backoff, with --reason recorded in the connection's operator history. With --wait, waits for that heal to end: Up is exit 0, Failed exit 1.
/// </summary>
public static class HealCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var id = ConnectionIdArgument.Create();
        var reselect = new Option<bool>("--reselect")
        {
            Description = "Force a reselect: a new endpoint even if the data plane is not known down, past any heal-loop backoff",
        };
        var reason = ReasonOption.Create("in the connection's operator history");
        var wait = new Option<bool>("--wait") { Description = "Wait until the heal ends (Up: exit 0; Failed: exit 1)" };
        var timeout = new Option<TimeSpan?>("--timeout")
        {
            Description = "With --wait: give up waiting after this long [default 60s]",
            HelpName = "duration",
            CustomParser = result => DurationParser.Parse(result, "--timeout"),
        };
        var command = new Command("heal", "Heal a connection now (an Up one is restored; a Failed one tries again)") { id, reselect, wait, timeout, reason };
        return verb.Bind(command, parse => ReasonOption.Read(parse, reason), async (call, givenReason) =>
        {
            var connectionId = call.Parse.GetRequiredValue(id);
            var before = await call.ExistingAsync(connectionId);
            if (before.Phase is ConnectionPhase.Closed or ConnectionPhase.Closing or ConnectionPhase.Paused or ConnectionPhase.Requesting)
            {
                throw CliException.Failed($"connection '{connectionId}' is {before.Phase}; only Up, Healing and Failed connections can be healed{(before.Phase == ConnectionPhase.Paused ? " (resume it first)" : "")}");
            }

            var grain = call.Connection(connectionId);
            await grain.HealByOperator(call.Parse.GetValue(reselect), givenReason).WaitAsync(call.Cancellation);
            var after = call.Parse.GetValue(wait)
                ? await HealWaiter.UntilEndedAsync(call, connectionId, before, call.Parse.GetValue(timeout) ?? TimeSpan.FromSeconds(60))
                : await grain.GetState().WaitAsync(call.Cancellation);
            if (!call.Json && Why(before, after) is { } why)
            {
                call.Output.WriteLine(why);
            }

            call.WriteDetail(after);
            return after.Phase == ConnectionPhase.Failed ? ExitCodes.Failed : ExitCodes.Ok;
        });
    }

    /// <summary>Why a plain heal restored: the operator may have expected a reselect.</summary>
    private static string? Why(ConnectionSnapshot before, ConnectionSnapshot after) =>
        after.LastHeal is { Trigger: HealTrigger.Operator, Decision: HealDecision.Restore } heal
        && before.LastHeal?.IncidentId != heal.IncidentId && before.History.All(old => old.IncidentId != heal.IncidentId)
            ? $"restore (same endpoint): the data plane is {before.DataPlane}, not known down; 'heal --reselect' picks a new endpoint"
            : null;
}
