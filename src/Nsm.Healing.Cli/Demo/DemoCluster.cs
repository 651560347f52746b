using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// One silo process of the real host per node of the demo (each with its <c>Nsm:Cluster:NodeName</c>), on the
/// Development or the Redis profile (with a redis-server of its own), and a grain client. Disposing ends every process
/// it started.
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(60);

    // Only the last lines of each child's output go into error messages; the demo keeps no more than that.
    private const int OutputLines = 200;

    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _killed = [];
    private readonly Dictionary<SiloProcess, string> _nodeOf = [];
    private RedisServer? _redis;
    private string? _siloAssembly;
    private IClusterSession? _session;

    private DemoCluster(DemoProfile profile, string clusterId)
    {
        Profile = profile;
        ClusterId = clusterId;
    }

    /// <summary>Development or Redis, never Auto.</summary>
    public DemoProfile Profile { get; }

    public string ClusterId { get; }

    /// <summary>The silos running now, one per node.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public string NodeOf(SiloProcess silo) => _nodeOf[silo];

    public SiloProcess SiloOn(string node) => _silos.Single(silo => _nodeOf[silo] == node);

    /// <summary>The demo's own Redis on the Redis profile, for operators who want to point `nsm-heal` at the demo.</summary>
    public string? RedisConnectionString => _redis?.ConnectionString;

    public IGrainFactory Grains => _session?.Grains ?? throw new InvalidOperationException("the demo's client is not connected");

    public static async Task<DemoCluster> StartAsync(DemoProfile profile, string? redisServer, string siloAssembly, IClusterConnector connector, CancellationToken cancellation)
    {
        var cluster = new DemoCluster(profile, $"nsm-heal-demo-{Guid.NewGuid().ToString("N")[..8]}");
        try
        {
            await cluster.StartAsync(redisServer, siloAssembly, connector, cancellation);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL, as when a host dies: no graceful leave, the cluster has to notice.</summary>
    public async Task KillAsync(SiloProcess silo)
    {
        await silo.KillAsync();
        _silos.Remove(silo);
        _killed.Add(silo);
    }

    /// <summary>A new silo on the node <paramref name="dead"/> ran on, as a DaemonSet replaces a node's pod; ready when this returns.</summary>
    public async Task<SiloProcess> ReplaceAsync(SiloProcess dead, CancellationToken cancellation)
    {
        var node = _nodeOf[dead];
        // Development clustering joins through the first silo; Redis needs no primary.
        var primary = Profile == DemoProfile.Development ? _silos.FirstOrDefault()?.Ports : null;
        var replacement = StartSilo($"{dead.Name}'", node, SiloPorts.TakeFree(1)[0], primary);
        await replacement.WaitReadyAsync(SiloReadyTimeout, cancellation);
        return replacement;
    }

    private async Task StartAsync(string? redisServer, string siloAssembly, IClusterConnector connector, CancellationToken cancellation)
    {
        _siloAssembly = siloAssembly;
        var ports = SiloPorts.TakeFree(DemoTopology.Nodes.Count);
        if (Profile == DemoProfile.Redis)
        {
            _redis = await RedisServer.StartAsync(redisServer!, outputLines: OutputLines, cancellation: cancellation);
        }

        // One after the other: Development clustering joins every silo through the first, and on a small machine
        // two silos starting at once can starve each other's liveness probes.
        foreach (var ((node, _), index) in DemoTopology.Nodes.Select((n, i) => (n, i)))
        {
            var silo = StartSilo($"silo-{index + 1}", node, ports[index], primary: index == 0 ? null : ports[0]);
            await silo.WaitReadyAsync(SiloReadyTimeout, cancellation);
        }

        _session = await connector.ConnectAsync(new ClusterTarget
        {
            Profile = Profile == DemoProfile.Redis ? ClusterProfileName.Redis : ClusterProfileName.Development,
            GatewayPorts = [.. ports.Select(p => p.Gateway)],
            RedisConnectionString = _redis?.ConnectionString,
            ClusterId = ClusterId,
            ServiceId = ClusterId,
            ConnectTimeout = TimeSpan.FromSeconds(20),
        }, cancellation);
    }

    private SiloProcess StartSilo(string name, string node, SiloPorts ports, SiloPorts? primary)
    {
        var silo = SiloProcess.Start(name, _siloAssembly!, ports, Settings(node, primary), OutputLines);
        _silos.Add(silo);
        _nodeOf[silo] = node;
        return silo;
    }

    /// <summary>The environment a container of the silo would get on <paramref name="node"/>, tuned so the demo's faults heal in seconds.</summary>
    private Dictionary<string, string> Settings(string node, SiloPorts? primary)
    {
        var settings = new Dictionary<string, string>
        {
            // As the DaemonSet's downward API sets NODE_NAME: this silo serves the connections of its node.
            ["Nsm__Cluster__NodeName"] = node,
            ["Nsm__Cluster__Profile"] = Profile.ToString(),
            ["Nsm__Cluster__ClusterId"] = ClusterId,
            ["Nsm__Cluster__ServiceId"] = ClusterId,
            // A heal orphaned by a killed silo resumes within seconds (production: 1 min).
            ["Nsm__Connections__BackstopReminderPeriod"] = "00:00:05",
            ["Nsm__Monitor__ReconnectMaxDelay"] = "00:00:00.500",
            ["Nsm__Monitor__SweepInterval"] = "00:00:02",
            ["Logging__LogLevel__Default"] = "Warning",
            // Security on, as in production: SVIDs from the development SPIFFE Workload API the demo's simulator trusts.
            ["Nsm__Identity__WorkloadApiSocket"] = DevelopmentTrust.WorkloadApiSocket,
        };
        if (Profile == DemoProfile.Redis)
        {
            settings["Nsm__Cluster__Redis__ConnectionString"] = _redis!.ConnectionString;
            settings["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1";
        }
        else if (primary is not null)
        {
            settings["Nsm__Cluster__PrimarySiloEndpoint"] = $"127.0.0.1:{primary.Silo}";
        }

        return settings;
    }

    public async ValueTask DisposeAsync()
    {
        if (_session is not null)
        {
            await _session.DisposeAsync();
        }

        foreach (var silo in _silos.Concat(_killed))
        {
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
