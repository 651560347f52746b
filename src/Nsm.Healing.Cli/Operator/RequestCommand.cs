using System.CommandLine;
using Nsm.Api;
using Nsm.Healing.Cli.Parsing;
using Nsm.Healing.Client;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// `request`: registers a connection with its grain, which makes the first Request at the NSMgr and from then on
/// refreshes and heals it. Exit 1 when the NSMgr refuses (its status is in the message).
/// </summary>
public static class RequestCommand
{
    public static Command Create(OperatorVerb verb)
    {
        var nsmgr = NsmgrOption.Create("The NSMgr");
        nsmgr.Required = true;
        var service = new Option<string>("--network-service") { Description = "The network service to connect to", Required = true };
        var mechanisms = new Option<string[]>("--mechanism")
        {
            Description = "A mechanism preference as [CLS/]TYPE, repeatable, in order [default LOCAL/MEMIF; KERNEL needs the NSC's namespace, which only the NSC's own client can state]",
        };
        var labels = new Option<string[]>("--label") { Description = "A connection label as key=value, repeatable" };
        var id = new Option<string?>("--id") { Description = "The connection id [default nsm-heal-<random>]" };
        var clientName = new Option<string?>("--client-name") { Description = "The NSC's name in path segment 0 [default nsm-heal]" };
        var policy = new PolicyOptions();
        var command = new Command("request", "Register a connection: the cluster requests, refreshes and heals it")
        {
            nsmgr, service, mechanisms, labels, id, clientName,
        };
        policy.AddTo(command);
        return verb.Bind(command, parse =>
        {
            var connectionId = Text(parse.GetValue(id), "--id") ?? $"nsm-heal-{Guid.NewGuid():N}";
            var request = new NetworkServiceRequest
            {
                Connection = new Connection { Id = connectionId, NetworkService = Text(parse.GetValue(service), "--network-service") },
                MechanismPreferences = { (parse.GetValue(mechanisms) is { Length: > 0 } given ? given : ["LOCAL/MEMIF"]).Select(ParseMechanism) },
            };
            foreach (var (key, value) in (parse.GetValue(labels) ?? []).Select(ParseLabel))
            {
                request.Connection.Labels[key] = value;
            }

            if (ConnectionInputRules.FindLabelsProblem(request.Connection.Labels) is { } labelsProblem)
            {
                throw CliException.Usage($"--label: {labelsProblem}");
            }

            return new ConnectionRequest
            {
                NsmgrAddress = parse.GetValue(nsmgr)!,
                Request = request,
                ClientName = Text(parse.GetValue(clientName), "--client-name") ?? "nsm-heal",
                Policy = policy.Read(parse),
            };
        }, async (call, request) =>
        {
            var snapshot = await new NsmHealingClient(call.Grains).RequestAsync(request, call.Cancellation);
            call.WriteDetail(snapshot);
            return ExitCodes.Ok;
        });
    }

    /// <summary>The value, or null when not given; one the cluster would refuse is bad usage naming the option.</summary>
    private static string? Text(string? value, string option)
    {
        if (value is null)
        {
            return null;
        }

        var problem = string.IsNullOrWhiteSpace(value) ? "must not be empty" : ConnectionInputRules.FindTextProblem(value);
        return problem is null ? value : throw CliException.Usage($"{option} {problem} (was '{value}')");
    }

    private static Mechanism ParseMechanism(string text)
    {
        var parts = text.Split('/');
        return parts switch
        {
            [var type] when type.Length > 0 => new Mechanism { Cls = "LOCAL", Type = type.ToUpperInvariant() },
            [var cls, var type] when cls.Length > 0 && type.Length > 0 => new Mechanism { Cls = cls.ToUpperInvariant(), Type = type.ToUpperInvariant() },
            _ => throw CliException.Usage($"--mechanism must be TYPE or CLS/TYPE, e.g. KERNEL or REMOTE/VXLAN (was '{text}')"),
        };
    }

    private static (string Key, string Value) ParseLabel(string text)
    {
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? (text[..equals], text[(equals + 1)..])
            : throw CliException.Usage($"--label must be key=value with a non-empty key (was '{text}')");
    }
}
