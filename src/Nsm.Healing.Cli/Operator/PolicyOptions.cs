using System.CommandLine;
using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`request`'s heal policy flags; each unset flag keeps <see cref="HealPolicy.Default"/>'s value (docs/healing.md).</summary>
public sealed class PolicyOptions
{
    private readonly Option<TimeSpan?> _firstRetryDelay = Duration("--first-retry-delay", "Upper bound of the first retry delay [default 150ms]");
    private readonly Option<TimeSpan?> _maxRetryDelay = Duration("--max-retry-delay", "Retry delays never grow beyond this [default 30s]");
    private readonly Option<int?> _maxAttempts = new("--max-attempts") { Description = "Attempts per heal before it fails; 0 = no limit [default 0]" };
    private readonly Option<TimeSpan?> _healDeadline = Duration("--heal-deadline", "How long one heal may run before it fails; 0 = none [default 10m]");
    private readonly Option<TimeSpan?> _requestTimeout = Duration("--request-timeout", "How long one Request or Close may take [default 15s]");
    private readonly Option<HealDecision?> _onUnknownDataPlane = new("--on-unknown-data-plane")
    {
        Description = "What a DOWN or DELETE means when the data plane's state is unknown: Restore or Reselect [default Reselect]",
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

    /// <summary>The policy the flags describe; the grain client rejects a broken rule naming the field.</summary>
    public HealPolicy Read(ParseResult parse)
    {
        var defaults = HealPolicy.Default;
        return defaults with
        {
            FirstRetryDelay = parse.GetValue(_firstRetryDelay) ?? defaults.FirstRetryDelay,
            MaxRetryDelay = parse.GetValue(_maxRetryDelay) ?? defaults.MaxRetryDelay,
            MaxAttempts = parse.GetValue(_maxAttempts) ?? defaults.MaxAttempts,
            HealDeadline = parse.GetValue(_healDeadline) ?? defaults.HealDeadline,
            RequestTimeout = parse.GetValue(_requestTimeout) ?? defaults.RequestTimeout,
            OnDownWithUnknownDataPlane = parse.GetValue(_onUnknownDataPlane) ?? defaults.OnDownWithUnknownDataPlane,
        };
    }

    private static Option<TimeSpan?> Duration(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => DurationParser.Parse(result, name),
    };
}
