using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// Two silo processes of the real host, on the Development or the Redis profile (with a redis-server of its own),
/// and a grain client. Disposing ends every process it started.
/// </summary>
public sealed class DemoCluster : IAsyncDisposable
{
    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(60);

    // Only the last lines of each child's output go into error messages; the demo keeps no more than that.
    private const int OutputLines = 200;

    private readonly List<SiloProcess> _silos = [];
    private RedisServer? _redis;
    private IClusterSession? _session;

    private DemoCluster(DemoProfile profile, string clusterId)
    {
        Profile = profile;
        ClusterId = clusterId;
    }

    /// <summary>Development or Redis, never Auto.</summary>
    public DemoProfile Profile { get; }

    public string ClusterId { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

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
    public async Task KillAsync(SiloProcess silo) => await silo.KillAsync();

    private async Task StartAsync(string? redisServer, string siloAssembly, IClusterConnector connector, CancellationToken cancellation)
    {
        var ports = SiloPorts.TakeFree(2);
        if (Profile == DemoProfile.Redis)
        {
            _redis = await RedisServer.StartAsync(redisServer!, outputLines: OutputLines, cancellation: cancellation);
        }

        // One after the other: Development clustering joins every silo through the first, and on a small machine
        // two silos starting at once can starve each other's liveness probes.
        _silos.Add(SiloProcess.Start("silo-1", siloAssembly, ports[0], Settings(primary: null), OutputLines));
        await _silos[0].WaitReadyAsync(SiloReadyTimeout, cancellation);
        _silos.Add(SiloProcess.Start("silo-2", siloAssembly, ports[1], Settings(primary: ports[0]), OutputLines));
        await _silos[1].WaitReadyAsync(SiloReadyTimeout, cancellation);

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

    /// <summary>The environment a container of the silo would get, tuned so the demo's faults heal in seconds.</summary>
    private Dictionary<string, string> Settings(SiloPorts? primary)
    {
        var settings = new Dictionary<string, string>
        {
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

        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
