using System.CommandLine;

namespace Nsm.Healing.Cli.Operator;

/// <summary>The connection id argument the per-connection verbs share.</summary>
public static class ConnectionIdArgument
{
    public static Argument<string> Create() => WithRule(new Argument<string>("id") { Description = "The connection id (the grain key)" });

    public static Argument<string?> CreateOptional(string description) =>
        WithRule(new Argument<string?>("id") { Description = description, Arity = ArgumentArity.ZeroOrOne });

    private static Argument<T> WithRule<T>(Argument<T> argument)
    {
        argument.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0 && string.IsNullOrWhiteSpace(result.Tokens[0].Value))
            {
                result.AddError("id must not be empty");
            }
        });
        return argument;
    }
}
