using System.Reflection;
using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Tests.Support;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Cli.Tests;

/// <summary>
/// `watch`, with or without an id, against a real silo process that dies under it: exit 3 and one operator sentence,
/// never an Orleans placement message with exit 1.
/// </summary>
public sealed class WatchClusterGoneTests
{
    private static readonly string SiloAssembly = typeof(CliApplication).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SiloAssembly").Value!;

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Watch_exits_3_saying_the_cluster_is_gone_when_its_silo_stops(bool withId)
    {
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 1));
        var ports = SiloPorts.TakeFree(1)[0];
        var clusterId = $"watch-gone-{Guid.NewGuid():N}";
        await using var silo = SiloProcess.Start("silo-1", SiloAssembly, ports, new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Development",
            ["Nsm__Cluster__ClusterId"] = clusterId,
            ["Nsm__Cluster__ServiceId"] = clusterId,
            ["Logging__LogLevel__Default"] = "Warning",
        });
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));
        string[] cluster = ["--gateway-port", ports.Gateway.ToString(), "--cluster-id", clusterId, "--service-id", clusterId];
        var id = $"watched-{Guid.NewGuid():N}";
        var request = CliRun.Against(new OrleansClusterConnector());
        Assert.True(await request.RunAsync(["request", "--nsmgr", simulator.NsmgrAddress("nsmgr-1"), "--network-service", "ns-1", "--id", id, .. cluster]) == ExitCodes.Ok, request.ToString());

        var watch = CliRun.Against(new OrleansClusterConnector());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var watching = watch.RunAsync(deadline.Token, withId ? ["watch", id, .. cluster] : ["watch", "--interval", "100ms", .. cluster]);
        await Eventually.True(() => watch.Output.ToString().Contains($"{id}: Up"), () => watch.ToString());
        silo.Terminate();

        var exit = await watching;

        Assert.True(exit == ExitCodes.ClusterUnreachable, watch.ToString());
        var line = Assert.Single(watch.Error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"nsm-heal: lost the cluster '{clusterId}'", line);
        Assert.Contains("no silo answers", line);
    }
}
