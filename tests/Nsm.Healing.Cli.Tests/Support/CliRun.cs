using Nsm.Healing.Cli.Cluster;

namespace Nsm.Healing.Cli.Tests.Support;

/// <summary>One `nsm-heal` invocation through <see cref="CliApplication"/>: the same parsing and handlers as the command line.</summary>
public sealed class CliRun
{
    private CliRun(IClusterConnector connector, IReadOnlyDictionary<string, string>? variables)
    {
        Application = new CliApplication(new CliEnvironment
        {
            Output = Output,
            Error = Error,
            Connector = connector,
            GetVariable = name => variables?.GetValueOrDefault(name),
        });
    }

    public CapturedWriter Output { get; } = new();

    public CapturedWriter Error { get; } = new();

    public CliApplication Application { get; }

    /// <param name="variables">The environment the CLI sees; none of the test runner's own.</param>
    public static CliRun Against(IClusterConnector connector, IReadOnlyDictionary<string, string>? variables = null) => new(connector, variables);

    public Task<int> RunAsync(params string[] args) => Application.RunAsync(args);

    public Task<int> RunAsync(CancellationToken cancellation, params string[] args) => Application.RunAsync(args, cancellation);

    public override string ToString() => $"exit output:\n{Output}\nerror:\n{Error}";
}
