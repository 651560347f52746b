using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// One recovery round's cluster: silo processes of the real host in the Redis profile (as production runs it) with a
/// cluster id of their own, an in-process NSM simulator (one node, two NSEs, so a reselect has somewhere new to go)
/// and an Orleans client in this process. Disposing ends every silo and the simulator, even after a failure; the
/// redis-server belongs to the caller.
/// </summary>
public sealed class RecoveryCluster : IAsyncDisposable
{
    public const string Nsmgr = "nsmgr-1";

    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Bounds one management call, so a call stuck on the dead silo cannot hold up the clock.</summary>
    private static readonly TimeSpan ManagementCallTimeout = TimeSpan.FromSeconds(1);

    private readonly List<SiloProcess> _silos = [];
    private IHost? _client;

    private RecoveryCluster(NsmSimulator simulator) => Simulator = simulator;

    /// <summary>The Nsm.Healing.Silo.dll built in the same configuration as this benchmark (set in the .csproj).</summary>
    public static string HostAssembly { get; } = typeof(RecoveryCluster).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SiloAssembly").Value!;

    public NsmSimulator Simulator { get; }

    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("no client connected");

    public string NsmgrAddress => Simulator.NsmgrAddress(Nsmgr);

    /// <param name="backstopReminderPeriod">Null leaves <c>Nsm:Connections:BackstopReminderPeriod</c> unset: the production default.</param>
    public static async Task<RecoveryCluster> StartAsync(RedisServer redis, int silos, TimeSpan? backstopReminderPeriod)
    {
        var cluster = new RecoveryCluster(await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 2)));
        try
        {
            // Each round has cluster and service ids of its own, so its state and reminders in the shared Redis are its own.
            var clusterId = $"recovery-{Guid.NewGuid():N}";
            var settings = Settings(redis, clusterId, backstopReminderPeriod);
            foreach (var (ports, i) in SiloPorts.TakeFree(silos).Select((ports, i) => (ports, i)))
            {
                cluster._silos.Add(SiloProcess.Start($"silo-{i + 1}", HostAssembly, ports, settings, outputLines: 200));
            }

            await Task.WhenAll(cluster._silos.Select(silo => silo.WaitReadyAsync(SiloReadyTimeout)));
            cluster._client = await RedisClusterClient.StartAsync(redis.ConnectionString, clusterId, serviceId: clusterId);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The environment a container of the silo gets, the same the durability tests give theirs.</summary>
    private static Dictionary<string, string> Settings(RedisServer redis, string clusterId, TimeSpan? backstopReminderPeriod)
    {
        var settings = new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__Redis__ConnectionString"] = redis.ConnectionString,
            ["Nsm__Cluster__ClusterId"] = clusterId,
            ["Nsm__Cluster__ServiceId"] = clusterId,
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
            // Security on, as in production: SVIDs from the development Workload API the simulator trusts.
            ["Nsm__Identity__WorkloadApiSocket"] = DevelopmentTrust.WorkloadApiSocket,
        };
        if (backstopReminderPeriod is { } period)
        {
            settings["Nsm__Connections__BackstopReminderPeriod"] = period.ToString();
        }

        return settings;
    }

    /// <summary>Every activation in the cluster and its silo, from Orleans' own statistics; activates no grain of ours.</summary>
    public async Task<IReadOnlyList<DetailedGrainStatistic>> ActivationsAsync() =>
        await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();

    /// <summary>The running silo whose silo port is <paramref name="siloPort"/>.</summary>
    public SiloProcess SiloOnPort(int siloPort) => _silos.Single(s => s.Ports.Silo == siloPort);

    /// <summary>Whether the cluster's membership no longer counts <paramref name="silo"/> as active.</summary>
    public async Task<bool> IsDeclaredDeadAsync(SiloProcess silo)
    {
        try
        {
            var active = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(ManagementCallTimeout);
            return !active.Keys.Any(address => address.Endpoint.Port == silo.Ports.Silo);
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            // The management grain itself may have lived on the dead silo until the cluster notices.
            return false;
        }
    }

    /// <summary>The last output lines of every silo, for a round that failed.</summary>
    public string SiloOutputTails() =>
        string.Join("\n", _silos.Select(silo => $"--- last output of {silo.Name} (pid {silo.Pid}) ---\n{silo.Output.Tail(30)}"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_client is { } client)
            {
                _client = null;
                using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await client.StopAsync(stopping.Token);
                client.Dispose();
            }
        }
        finally
        {
            // Never skipped by a client that failed to stop: no silo may outlive the round.
            foreach (var silo in _silos)
            {
                await silo.DisposeAsync();
            }

            await Simulator.DisposeAsync();
        }
    }
}
