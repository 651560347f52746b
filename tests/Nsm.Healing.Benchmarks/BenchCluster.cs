using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.Monitoring;
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
    public static async Task<BenchCluster> StartAsync(int silos, Action<MonitorOptions>? monitor = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage(HealingStorage.Name)
            .UseInMemoryReminderService()
            .AddNsmHealing(configureMonitor: monitor));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new BenchCluster(cluster) { Silos = silos };
    }

    public IConnectionGrain Connection(string id) => Client.GetGrain<IConnectionGrain>(id);

    public INsmgrMonitorGrain Monitor(string nsmgrAddress) => Client.GetGrain<INsmgrMonitorGrain>(nsmgrAddress);

    public async ValueTask DisposeAsync() => await _cluster.DisposeAsync();
}
