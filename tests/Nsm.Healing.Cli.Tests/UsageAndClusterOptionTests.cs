using System.Net;
using System.Net.Sockets;
using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

/// <summary>Parsing and reaching the cluster: bad usage is exit 2, no cluster is exit 3, and the silo's variables set defaults.</summary>
public sealed class UsageAndClusterOptionTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("list", "--gateway-port", "0")]
    [InlineData("list", "--profile", "Cloud")]
    [InlineData("show")]
    [InlineData("watch", "--interval", "0s")]
    [InlineData("demo", "--connections", "1")]
    [InlineData("demo", "--scenarios", "meteor-strike")]
    public async Task Bad_usage_exits_2_with_a_message(params string[] args)
    {
        var run = CliRun.Against(new UnusedConnector());

        var exit = await run.RunAsync(args);

        Assert.True(exit == ExitCodes.Usage, run.ToString());
        Assert.StartsWith("nsm-heal: ", run.Error.ToString());
    }

    [Fact]
    public async Task Redis_profile_without_a_connection_string_exits_2()
    {
        var run = CliRun.Against(new UnusedConnector());

        Assert.Equal(ExitCodes.Usage, await run.RunAsync("list", "--profile", "Redis"));
        Assert.Contains("--redis", run.Error.ToString());
    }

    [Fact]
    public async Task Help_lists_every_verb()
    {
        var run = CliRun.Against(new UnusedConnector());

        Assert.Equal(ExitCodes.Ok, await run.RunAsync("--help"));
        foreach (var verb in new[] { "demo", "list", "show", "watch", "heal", "pause", "resume", "request", "close" })
        {
            Assert.Contains(verb, run.Output.ToString());
        }
    }

    [Fact]
    public async Task Silo_environment_variables_choose_the_cluster()
    {
        var connector = new RecordingConnector();
        var run = CliRun.Against(connector, new Dictionary<string, string>
        {
            [ClusterCommandOptions.ProfileVariable] = "redis",
            [ClusterCommandOptions.RedisVariable] = "redis-0:6379",
            [ClusterCommandOptions.ClusterIdVariable] = "prod",
            [ClusterCommandOptions.ServiceIdVariable] = "healing",
        });

        Assert.Equal(ExitCodes.ClusterUnreachable, await run.RunAsync("list"));

        Assert.Equal(new ClusterTarget
        {
            Profile = ClusterProfileName.Redis,
            RedisConnectionString = "redis-0:6379",
            ClusterId = "prod",
            ServiceId = "healing",
            GatewayPorts = connector.Target!.GatewayPorts,
        }, connector.Target);
    }

    [Fact]
    public async Task Options_override_the_environment()
    {
        var connector = new RecordingConnector();
        var run = CliRun.Against(connector, new Dictionary<string, string> { [ClusterCommandOptions.GatewayPortVariable] = "30001,30002" });

        await run.RunAsync("list", "--gateway-port", "31000", "--gateway-port", "31001", "--cluster-id", "c1", "--connect-timeout", "3s");

        Assert.Equal([31000, 31001], connector.Target!.GatewayPorts);
        Assert.Equal("c1", connector.Target.ClusterId);
        Assert.Equal(TimeSpan.FromSeconds(3), connector.Target.ConnectTimeout);

        var fromEnvironment = new RecordingConnector();
        await CliRun.Against(fromEnvironment, new Dictionary<string, string> { [ClusterCommandOptions.GatewayPortVariable] = "30001,30002" }).RunAsync("list");
        Assert.Equal([30001, 30002], fromEnvironment.Target!.GatewayPorts);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task No_silo_at_the_gateway_port_exits_3()
    {
        var run = CliRun.Against(new OrleansClusterConnector());

        var exit = await run.RunAsync("list", "--gateway-port", UnusedPort().ToString(), "--connect-timeout", "10s");

        Assert.True(exit == ExitCodes.ClusterUnreachable, run.ToString());
        Assert.Contains("cannot reach the cluster 'nsm-healing'", run.Error.ToString());
    }

    private static int UnusedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>For commands that must fail before reaching any cluster.</summary>
    private sealed class UnusedConnector : IClusterConnector
    {
        public Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("bad usage must not reach the cluster");
    }

    /// <summary>Keeps the target the CLI parsed, then reports the cluster unreachable.</summary>
    private sealed class RecordingConnector : IClusterConnector
    {
        public ClusterTarget? Target { get; private set; }

        public Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
        {
            Target = target;
            throw new CliException(ExitCodes.ClusterUnreachable, "recorded");
        }
    }
}
