using System.CommandLine;
using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Demo;
using Nsm.Healing.Cli.Operator;
using Orleans.Runtime.Messaging;

namespace Nsm.Healing.Cli;

/// <summary>
/// `nsm-heal`: the command tree, and one place that turns every outcome into an exit code and a one-line error.
/// The console entry point and the tests both run <see cref="RunAsync"/>.
/// </summary>
public sealed class CliApplication
{
    private readonly CliEnvironment _environment;
    private readonly RootCommand _root;

    public CliApplication(CliEnvironment environment)
    {
        _environment = environment;
        var cluster = new ClusterCommandOptions(environment.GetVariable);
        var verb = new OperatorVerb(environment, cluster);
        _root = new RootCommand("nsm-heal: operate an Nsm.Orleans healing cluster, or run the healing demo")
        {
            DemoCommand.Create(environment),
            ListCommand.Create(verb),
            ShowCommand.Create(verb),
            WatchCommand.Create(verb),
            HealCommand.Create(verb),
            PauseCommand.Create(verb),
            ResumeCommand.Create(verb),
            RequestCommand.Create(verb),
            CloseCommand.Create(verb),
            TopCommand.Create(verb),
            QuarantineCommand.Create(verb),
        };
        // Without this, a mistyped verb would also be reported as "Required command was not provided".
        _root.SetAction(async (_, _) =>
        {
            await environment.Error.WriteLineAsync("nsm-heal: name a verb. Run 'nsm-heal --help' for usage.");
            return ExitCodes.Usage;
        });
    }

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellation = default)
    {
        var parse = _root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await _environment.Error.WriteLineAsync($"nsm-heal: {error.Message}");
            }

            // A bad value's message names the option and the rule; an unknown word needs a pointer to what exists.
            if (parse.UnmatchedTokens.Count > 0)
            {
                await _environment.Error.WriteLineAsync("Run 'nsm-heal --help' for usage.");
            }

            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = _environment.Output,
            Error = _environment.Error,
            // Errors are classified below, not printed as stack traces.
            EnableDefaultExceptionHandler = false,
            // Ctrl-C cancels the command's token; the process owner (Program) decides how long cleanup may take.
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellation);
        }
        catch (Exception e) when (Classify(e, cancellation) is var (code, message))
        {
            await _environment.Error.WriteLineAsync($"nsm-heal: {message}");
            return code;
        }
    }

    private static (int Code, string Message)? Classify(Exception e, CancellationToken cancellation) => e switch
    {
        CliException cli => (cli.ExitCode, cli.Message),
        OperationCanceledException when cancellation.IsCancellationRequested => (ExitCodes.Interrupted, "interrupted"),
        NsmRequestFailedException nsm => (ExitCodes.Failed, $"the NSMgr refused ({nsm.StatusCode}): {nsm.Message}"),
        ArgumentException argument => (ExitCodes.Usage, argument.Message),
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException =>
            (ExitCodes.ClusterUnreachable, $"lost the cluster: {e.Message}"),
        TimeoutException or InvalidOperationException or OrleansException => (ExitCodes.Failed, e.Message),
        _ => null,
    };
}
