using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`--reason`: why an operator acts, recorded with what the operator did.</summary>
public static class ReasonOption
{
    public const string NoReason = "no reason given";

    /// <param name="recordedWhere">Where the reason is kept, e.g. "in the connection's operator history".</param>
    public static Option<string> Create(string recordedWhere) => new("--reason")
    {
        Description = $"Why: recorded {recordedWhere}",
        DefaultValueFactory = _ => NoReason,
    };

    /// <summary>The reason typed, checked before the cluster is dialled.</summary>
    public static string Read(ParseResult parse, Option<string> option)
    {
        var reason = parse.GetValue(option);
        return string.IsNullOrWhiteSpace(reason)
            ? throw CliException.Usage("--reason: must not be empty (say why, or leave --reason out)")
            : reason.Trim();
    }
}
