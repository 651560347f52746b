using System.CommandLine;
using Nsm.Healing.Cli.Cluster;

namespace Nsm.Healing.Cli.Operator;

/// <summary>Wires a verb's handler to a cluster session opened from the cluster options, and closes it afterwards.</summary>
public sealed class OperatorVerb(CliEnvironment environment, ClusterCommandOptions cluster)
{
    public Command Bind(Command command, Func<OperatorCall, Task<int>> handler)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            var target = cluster.Read(parse);
            await using var session = await environment.Connector.ConnectAsync(target, cancellation);
            return await handler(new OperatorCall(parse, session.Grains, environment, parse.GetValue(cluster.Json), cancellation));
        });
        return command;
    }
}
