using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>`--reason`: why an operator acts, recorded in the connection's operator history.</summary>
public static class ReasonOption
{
    public const string NoReason = "no reason given";

    public static Option<string> Create(string what) => new("--reason")
    {
        Description = $"Why: recorded in the connection's operator history with the {what} [default: {NoReason}]",
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
