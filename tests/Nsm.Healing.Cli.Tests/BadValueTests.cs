using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

/// <summary>
/// Every bad value is exit 2 and one line naming the option (or variable) the operator typed, found before the CLI
/// dials the cluster: the connector here fails the test if it is reached. Never a stack trace.
/// </summary>
public sealed class BadValueTests
{
    private static readonly string[] Request = ["request", "--nsmgr", "tcp://nsmgr-1:5001", "--network-service", "ns-1"];

    public static TheoryData<string[], string> BadValues => new()
    {
        { ["list", "--connect-timeout", "1e300s"], "--connect-timeout must be a duration" },
        { ["list", "--connect-timeout", "99999999999999999999ms"], "--connect-timeout must be a duration" },
        { ["list", "--connect-timeout", "0"], "--connect-timeout must be more than 0" },
        { ["list", "--connect-timeout", "-5s"], "--connect-timeout must not be negative" },
        { ["watch", "--interval", "1e300s"], "--interval must be a duration" },
        { ["watch", "--interval", "-1s"], "--interval must not be negative" },
        { ["heal", "conn-1", "--timeout", "1e300s"], "--timeout must be a duration" },
        { ["demo", "--scenario-timeout", "1e300s"], "--scenario-timeout must be a duration" },
        { ["demo", "--connections", "abc"], "--connections must be a number between 2 and 500" },
        { [.. Request, "--first-retry-delay", "1e300s"], "--first-retry-delay must be a duration" },
        { [.. Request, "--first-retry-delay", "99999999999999999999ms"], "--first-retry-delay must be a duration" },
        { [.. Request, "--request-timeout", "-1s"], "--request-timeout must not be negative" },
        { [.. Request, "--max-retry-delay", "2h"], "--max-retry-delay must be at most" },
        { [.. Request, "--first-retry-delay", "40s"], "--max-retry-delay (00:00:30) must be at least --first-retry-delay (00:00:40)" },
        { [.. Request, "--on-unknown-data-plane", "Ignore"], "--on-unknown-data-plane must be Restore or Reselect (was 'Ignore')" },
        { [.. Request, "--label", "=web"], "--label must be key=value" },
        { [.. Request, "--id", " "], "--id must not be empty" },
        { ["request", "--nsmgr", "nsmgr-1", "--network-service", "ns-1"], "--nsmgr 'nsmgr-1' is not an absolute URI" },
        { ["list", "--nsmgr", "http://nsmgr-1:5001/some/path"], "--nsmgr 'http://nsmgr-1:5001/some/path' has a path" },
        { ["pause", "--nsmgr", "unix://host/socket"], "--nsmgr 'unix://host/socket' has a host part" },
        { ["list", "--gateway-port", "abc"], "--gateway-port must be a port between 1 and 65535 (was 'abc')" },
        { ["list", "--gateway-port", "70000"], "--gateway-port must be a port between 1 and 65535 (was '70000')" },
        { ["list", "--profile", "Cloud"], "--profile must be Development or Redis (was 'Cloud')" },
        { ["close", "conn-1", "--force", "--reason", " "], "--reason: must not be empty (say why, or leave --reason out)" },
        { ["heal", "conn-1", "--reselect", "--reason", ""], "--reason: must not be empty (say why, or leave --reason out)" },
        { ["quarantine", "lift", "nsmgr", "nsmgr-1", "--reason", "x"], "kind: must be 'nse' or 'forwarder' (was 'nsmgr')" },
        { ["quarantine", "lift", "nse", " ", "--reason", "x"], "name: must not be empty" },
        { ["quarantine", "lift", "forwarder", "fwd-1a", "--reason", "  "], "--reason: must not be empty (say why, or leave --reason out)" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_value_exits_2_with_one_line_naming_the_option(string[] args, string message)
    {
        var run = CliRun.Against(new UnreachableConnector());

        var exit = await run.RunAsync(args);

        Assert.True(exit == ExitCodes.Usage, run.ToString());
        var line = Assert.Single(ErrorLines(run));
        Assert.StartsWith($"nsm-heal: {message}", line);
        Assert.DoesNotContain("Parameter", run.Error.ToString());
    }

    [Theory]
    [InlineData(ClusterCommandOptions.GatewayPortVariable, "abc")]
    [InlineData(ClusterCommandOptions.GatewayPortVariable, "30000,x")]
    [InlineData(ClusterCommandOptions.ProfileVariable, "Cloud")]
    [InlineData(ClusterCommandOptions.TlsVariable, "yes")]
    public async Task A_bad_value_from_the_environment_exits_2_naming_the_variable(string variable, string value)
    {
        var run = CliRun.Against(new UnreachableConnector(), new Dictionary<string, string> { [variable] = value });

        var exit = await run.RunAsync("list");

        Assert.True(exit == ExitCodes.Usage, run.ToString());
        var line = Assert.Single(ErrorLines(run));
        Assert.StartsWith($"nsm-heal: {variable} must be", line);
        Assert.Contains($"'{value}'", line);
    }

    [Fact]
    public async Task An_unknown_verb_prints_only_that_error()
    {
        var run = CliRun.Against(new UnreachableConnector());

        Assert.Equal(ExitCodes.Usage, await run.RunAsync("frobnicate"));

        Assert.Equal(["nsm-heal: Unrecognized command or argument 'frobnicate'.", "Run 'nsm-heal --help' for usage."], ErrorLines(run));
    }

    [Fact]
    public async Task On_unknown_data_plane_offers_only_the_values_it_accepts()
    {
        var run = CliRun.Against(new UnreachableConnector());

        Assert.Equal(ExitCodes.Ok, await run.RunAsync("request", "--help"));

        var line = Assert.Single(run.Output.ToString().Split('\n'), text => text.Contains("--on-unknown-data-plane"));
        Assert.Contains("<Restore|Reselect>", line);
        Assert.DoesNotContain("Ignore", line);
        Assert.DoesNotContain("Refresh", line);
    }

    [Theory]
    [InlineData("list")]
    [InlineData("watch")]
    [InlineData("heal")]
    [InlineData("request")]
    [InlineData("demo")]
    public async Task Help_shows_each_default_once(string verb)
    {
        var run = CliRun.Against(new UnreachableConnector());

        Assert.Equal(ExitCodes.Ok, await run.RunAsync(verb, "--help"));

        Assert.All(run.Output.ToString().Split('\n'), line => Assert.True(line.Split("default").Length <= 2, line));
    }

    [Fact]
    public async Task Demo_help_shows_only_the_demo_options()
    {
        var run = CliRun.Against(new UnreachableConnector());

        Assert.Equal(ExitCodes.Ok, await run.RunAsync("demo", "--help"));

        var help = run.Output.ToString();
        Assert.Contains("--scenario-timeout", help);
        foreach (var clusterOption in new[] { "--gateway-port", "--redis", "--cluster-id", "--connect-timeout", "--tls", "--json" })
        {
            Assert.DoesNotContain(clusterOption, help);
        }
    }

    private static IReadOnlyList<string> ErrorLines(CliRun run) =>
        run.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Bad values must be found before the cluster is dialled.</summary>
    private sealed class UnreachableConnector : IClusterConnector
    {
        public Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the CLI dialled the cluster with a bad value");
    }
}
