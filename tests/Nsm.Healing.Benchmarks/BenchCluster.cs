using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Identity;
using Orleans.Core.Internal;
using Orleans.TestingHost;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Variant (c), our service: an in-process Orleans cluster with connection healing on its production defaults
/// (memory storage, in-memory reminders, default monitor, admission and heal policy options).
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private readonly InProcessTestCluster _cluster;

    private BenchCluster(InProcessTestCluster cluster) => _cluster = cluster;

    public IClusterClient Client => _cluster.Client;

    public int Silos { get; private init; }

    /// <param name="monitor">Overrides of the monitor defaults, for what-if runs only.</param>
    /// <param name="redisStorage">A Redis connection string: connection state in Redis, as on the Redis profile, instead of in the silo's memory.</param>
    /// <param name="secure">SVIDs from the development Workload API (the default), or Nsm:Identity:Source=None for a plaintext simulator.</param>
    /// <param name="workloadApiSocket">The Workload API to take SVIDs from: another process's, whose simulator trusts it; this process's own when null.</param>
    /// <param name="maxReceiveMessageBytes">Nsm:Nsmgr:MaxReceiveMessageBytes, when a run's snapshots outgrow the default.</param>
    public static async Task<BenchCluster> StartAsync(
        int silos, Action<MonitorOptions>? monitor = null, string? redisStorage = null, bool secure = true, string? workloadApiSocket = null, int? maxReceiveMessageBytes = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            if (redisStorage is null)
            {
                silo.AddMemoryGrainStorage(HealingStorage.Name);
            }
            else
            {
                silo.AddRedisGrainStorage(HealingStorage.Name, options => options.ConfigurationOptions = StackExchange.Redis.ConfigurationOptions.Parse(redisStorage));
            }

            silo.UseInMemoryReminderService().AddNsmHealing(
                configureNsmgr: nsmgr =>
                {
                    nsmgr.AllowedAddresses = ["http://127.0.0.1:*", "https://127.0.0.1:*", "unix://*"];
                    nsmgr.MaxReceiveMessageBytes = maxReceiveMessageBytes ?? nsmgr.MaxReceiveMessageBytes;
                },
                configureMonitor: monitor,
                configureIdentity: identity =>
                {
                    identity.Source = secure ? IdentitySource.WorkloadApi : IdentitySource.None;
                    identity.WorkloadApiSocket = secure ? workloadApiSocket ?? DevelopmentTrust.WorkloadApiSocket : null;
                });
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster) { Silos = silos };
    }

    public IConnectionGrain Connection(string id) => Client.GetGrain<IConnectionGrain>(id);

    /// <summary>Deactivates the connection grains <paramref name="ids"/> and waits until the silos hold none of them.</summary>
    public async Task DeactivateConnectionGrainsAsync(IReadOnlyList<string> ids)
    {
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 64 }, async (id, _) =>
            await Connection(id).AsReference<IGrainManagementExtension>().DeactivateOnIdle());
        var management = Client.GetGrain<IManagementGrain>(0);
        await Eventually.True(async () => (await management.GetSimpleGrainStatistics())
                .Where(s => s.GrainType.Contains(nameof(ConnectionGrain), StringComparison.Ordinal))
                .Sum(s => s.ActivationCount) <= ids.Count / 1000,
            "the connection grains to deactivate", TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(200));
    }

    public INsmgrMonitorGrain Monitor(string nsmgrAddress) => Client.GetGrain<INsmgrMonitorGrain>(nsmgrAddress);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
