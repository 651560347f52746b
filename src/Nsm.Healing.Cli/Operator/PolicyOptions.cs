using System.CommandLine;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`request`'s heal policy flags; each unset flag keeps <see cref="HealPolicy.Default"/>'s value (docs/healing.md).</summary>
public sealed class PolicyOptions
{
    private readonly Option<TimeSpan?> _firstRetryDelay = Duration("--first-retry-delay", "Upper bound of the first retry delay [default 150ms]");
    private readonly Option<TimeSpan?> _maxRetryDelay = Duration("--max-retry-delay", "Retry delays never grow beyond this; at most 1h [default 30s]");
    private readonly Option<int?> _maxAttempts = new("--max-attempts") { Description = "Attempts per heal before it fails; 0 = no limit [default 0]" };
    private readonly Option<TimeSpan?> _healDeadline = Duration("--heal-deadline", "How long one heal may run before it fails; 0 = none [default 10m]", zeroAllowed: true);
    private readonly Option<TimeSpan?> _requestTimeout = Duration("--request-timeout", "How long one Request or Close may take [default 15s]");
    private readonly Option<HealDecision?> _onUnknownDataPlane = new("--on-unknown-data-plane")
    {
        Description = "What a DOWN or DELETE means when the data plane's state is unknown [default Reselect]",
        HelpName = "Restore|Reselect",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (Enum.TryParse<HealDecision>(text, ignoreCase: true, out var decision) && decision is HealDecision.Restore or HealDecision.Reselect && !int.TryParse(text, out _))
            {
                return decision;
            }

            result.AddError($"--on-unknown-data-plane must be Restore or Reselect (was '{text}')");
            return null;
        },
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_firstRetryDelay);
        command.Options.Add(_maxRetryDelay);
        command.Options.Add(_maxAttempts);
        command.Options.Add(_healDeadline);
        command.Options.Add(_requestTimeout);
        command.Options.Add(_onUnknownDataPlane);
    }

    /// <summary>The policy the flags describe; a rule it breaks is bad usage naming the flags, not the policy's fields.</summary>
    public HealPolicy Read(ParseResult parse)
    {
        var defaults = HealPolicy.Default;
        var policy = defaults with
        {
            FirstRetryDelay = parse.GetValue(_firstRetryDelay) ?? defaults.FirstRetryDelay,
            MaxRetryDelay = parse.GetValue(_maxRetryDelay) ?? defaults.MaxRetryDelay,
            MaxAttempts = parse.GetValue(_maxAttempts) ?? defaults.MaxAttempts,
            HealDeadline = parse.GetValue(_healDeadline) ?? defaults.HealDeadline,
            RequestTimeout = parse.GetValue(_requestTimeout) ?? defaults.RequestTimeout,
            OnDownWithUnknownDataPlane = parse.GetValue(_onUnknownDataPlane) ?? defaults.OnDownWithUnknownDataPlane,
        };
        try
        {
            return policy.Validate();
        }
        catch (ArgumentException e)
        {
            throw CliException.Usage(InFlagTerms(e.Message.Replace($" (Parameter '{e.ParamName}')", "", StringComparison.Ordinal)));
        }
    }

    private string InFlagTerms(string problem) => new (string Field, Option Flag)[]
    {
        (nameof(HealPolicy.FirstRetryDelay), _firstRetryDelay),
        (nameof(HealPolicy.MaxRetryDelay), _maxRetryDelay),
        (nameof(HealPolicy.MaxAttempts), _maxAttempts),
        (nameof(HealPolicy.HealDeadline), _healDeadline),
        (nameof(HealPolicy.RequestTimeout), _requestTimeout),
        (nameof(HealPolicy.OnDownWithUnknownDataPlane), _onUnknownDataPlane),
    }.Aggregate(problem.Replace("Invalid heal policy: ", "", StringComparison.Ordinal), (text, pair) => text.Replace(pair.Field, pair.Flag.Name, StringComparison.Ordinal));

    private static Option<TimeSpan?> Duration(string name, string description, bool zeroAllowed = false) => new(name)
    {
        Description = description,
        HelpName = "duration",
        CustomParser = result => DurationParser.Parse(result, name, zeroAllowed),
    };
}
