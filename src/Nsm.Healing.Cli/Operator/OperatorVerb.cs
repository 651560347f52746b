using System.CommandLine;
using Nsm.Healing.Cli.Cluster;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// Gives a verb the cluster options, and wires its handler to a cluster session opened from them, closed afterwards.
/// Everything the operator typed is checked before the cluster is dialled: a bad value is exit 2 whether or not a
/// cluster is there.
/// </summary>
public sealed class OperatorVerb(CliEnvironment environment, ClusterCommandOptions cluster)
{
    public Command Bind(Command command, Func<OperatorCall, Task<int>> handler) =>
        Bind(command, _ => true, (call, _) => handler(call));

    /// <param name="prepare">Reads and checks the verb's own values from the parse, before the cluster is dialled;
    /// throws <see cref="CliException"/> naming the option on a bad one.</param>
    public Command Bind<T>(Command command, Func<System.CommandLine.ParseResult, T> prepare, Func<OperatorCall, T, Task<int>> handler)
    {
        foreach (var option in cluster.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (parse, cancellation) =>
        {
            var target = cluster.Read(parse);
            var prepared = prepare(parse);
            await using var session = await environment.Connector.ConnectAsync(target, cancellation);
            try
            {
                return await handler(new OperatorCall(parse, session.Grains, environment, parse.GetValue(cluster.Json), cancellation), prepared);
            }
            catch (Exception e) when (IsClusterLoss(e) && !cancellation.IsCancellationRequested)
            {
                // Orleans says this as a placement failure, a rejected message or a response timeout; the operator
                // needs one sentence and the exit code that means "the cluster went away".
                throw new CliException(ExitCodes.ClusterUnreachable, $"lost the {target.Describe()}: no silo answers any more", e);
            }
        });
        return command;
    }

    /// <summary>What reaches the CLI when the cluster stops answering mid-command: Orleans runtime failures, not the grains' own errors.</summary>
    private static bool IsClusterLoss(Exception e) => e is OrleansException or TimeoutException;
}
