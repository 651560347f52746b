using System.CommandLine;
using System.Globalization;
using Nsm.Healing.Cli.Output;
using Nsm.Healing.Custody;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`quarantine list` and `quarantine lift &lt;nse|forwarder&gt; &lt;name&gt; --reason`: the heal-loop quarantines.</summary>
public static class QuarantineCommand
{
    public static Command Create(OperatorVerb verb) =>
        new("quarantine", "List the NSEs and forwarders quarantined for heal loops, or lift one") { List(verb), Lift(verb) };

    private static Command List(OperatorVerb verb)
    {
        var command = new Command("list", "List quarantines in force and the last lifts");
        return verb.Bind(command, async call =>
        {
            var quarantine = await call.Grains.GetGrain<IQuarantineGrain>(0).Get().WaitAsync(call.Cancellation);
            if (call.Json)
            {
                JsonOutput.Write(call.Output, quarantine);
                return ExitCodes.Ok;
            }

            if (quarantine.Entries.Count == 0)
            {
                call.Output.WriteLine("nothing quarantined");
            }
            else
            {
                TextTable.Write(call.Output, ["KIND", "NAME", "SERVICES", "LOOPING CONNECTIONS", "SINCE", "UNTIL"], quarantine.Entries.Select(entry => (IReadOnlyList<string>)
                [
                    entry.Kind.ToString(), entry.Name, string.Join(",", entry.NetworkServices),
                    entry.LoopingConnections.ToString(CultureInfo.InvariantCulture), Time(entry.Since), Time(entry.Until),
                ]));
            }

            foreach (var lift in quarantine.Lifts)
            {
                call.Output.WriteLine($"lifted {lift.Kind} {lift.Name} at {Time(lift.At)}: {lift.Reason}");
            }

            return ExitCodes.Ok;
        });
    }

    private static Command Lift(OperatorVerb verb)
    {
        var kind = new Argument<string>("kind") { Description = "nse or forwarder" };
        var name = new Argument<string>("name") { Description = "The NSE's or forwarder's name, as in the connection's path" };
        var reason = ReasonOption.Create("with the lift in the quarantine's history");
        var command = new Command("lift", "Lift a quarantine: new reselects may go to it again") { kind, name, reason };
        return verb.Bind(command, parse => (Kind: ParseKind(parse.GetValue(kind)), Name: RequireName(parse.GetValue(name)), Reason: ReasonOption.Read(parse, reason)), async (call, lift) =>
        {
            if (!await call.Grains.GetGrain<IQuarantineGrain>(0).Lift(lift.Kind, lift.Name, lift.Reason).WaitAsync(call.Cancellation))
            {
                throw CliException.Failed($"{lift.Kind} '{lift.Name}' is not quarantined ('nsm-heal quarantine list' shows what is)");
            }

            call.Output.WriteLine($"{lift.Kind} {lift.Name}: quarantine lifted ({lift.Reason})");
            return ExitCodes.Ok;
        });
    }

    private static EndpointKind ParseKind(string? typed) => typed?.Trim().ToLowerInvariant() switch
    {
        "nse" => EndpointKind.Nse,
        "forwarder" => EndpointKind.Forwarder,
        _ => throw CliException.Usage($"kind: must be 'nse' or 'forwarder' (was '{typed}')"),
    };

    private static string RequireName(string? typed) =>
        string.IsNullOrWhiteSpace(typed) ? throw CliException.Usage("name: must not be empty") : typed.Trim();

    private static string Time(DateTimeOffset at) => at.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
}
