using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Custody;
using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;
using Orleans.Reminders;
using Orleans.Serialization;
using Orleans.Storage;
using Orleans.Runtime.Hosting;
using Orleans.TestingHost;

namespace Nsm.Healing.Testing;

/// <summary>
/// An in-process Orleans cluster with connection healing, memory storage and in-memory reminders.
/// With a <see cref="TimeProvider"/>, grain timers and grain clocks run on it (fake time); silo
/// maintenance stays on real time so advancing the fake clock does not disturb membership.
/// </summary>
public sealed class HealingCluster : IAsyncDisposable
{
    private HealingCluster(InProcessTestCluster cluster) => Cluster = cluster;

    public InProcessTestCluster Cluster { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>Fast monitor settings so tests see resyncs and sweeps in seconds.</summary>
    public static void TestMonitorOptions(MonitorOptions options)
    {
        options.SweepInterval = TimeSpan.FromSeconds(1);
        options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(500);
    }

    /// <summary>Tests dial simulators and hostile servers on loopback and unix sockets; nothing else.</summary>
    public static readonly string[] LoopbackNsmgrs = ["http://127.0.0.1:*", "https://127.0.0.1:*", "https://localhost:*", "unix://*"];

    /// <param name="processWideStorage">State that survives an in-process silo kill (see <see cref="GrainStateStore.ProcessWide"/>).</param>
    /// <param name="faultyStorage">Each silo's storage fails or holds writes on demand (see <see cref="StorageOf"/>).</param>
    public static async Task<HealingCluster> StartAsync(
        int silos = 2, TimeProvider? grainTime = null, bool processWideStorage = false,
        Action<MonitorOptions>? monitor = null, Action<NsmgrClientOptions>? nsmgr = null, bool faultyStorage = false,
        Action<IdentityOptions>? identity = null, Action<CustodyOptions>? custody = null)
    {
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.ConfigureSilo((_, silo) =>
        {
            if (faultyStorage || processWideStorage)
            {
                silo.Services.AddGrainStorage(HealingStorage.Name, (services, _) => new FaultyGrainStorage(
                    services.GetRequiredService<Serializer>(), processWideStorage ? GrainStateStore.ProcessWide : new GrainStateStore()));
            }
            else
            {
                silo.AddMemoryGrainStorage(HealingStorage.Name);
            }

            silo.UseInMemoryReminderService().AddNsmHealing(configureNsmgr: options =>
            {
                options.AllowedAddresses = LoopbackNsmgrs;
                nsmgr?.Invoke(options);
            }, configureMonitor: monitor ?? TestMonitorOptions, configureIdentity: identity);
            if (custody is not null)
            {
                silo.Services.Configure(custody);
            }
        });
        if (grainTime is not null)
        {
            // Grain timers, grain clocks and reminders on the fake clock; membership and messaging stay real.
            builder.ConfigureSiloHost((_, host) => host.Services
                .AddKeyedSingleton(TimeProviderNames.Grains, grainTime)
                .AddKeyedSingleton(ReminderTimeProviderNames.Reminders, grainTime));
        }

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new HealingCluster(cluster);
    }

    /// <summary>The grain storage of silo <paramref name="silo"/>, when the cluster was started with faulty or process-wide storage.</summary>
    public FaultyGrainStorage StorageOf(int silo = 0) =>
        (FaultyGrainStorage)Cluster.Silos[silo].ServiceProvider.GetRequiredKeyedService<IGrainStorage>(HealingStorage.Name);

    public IConnectionGrain Connection(string id) => Client.GetGrain<IConnectionGrain>(id);

    public IConnectionEvents Events(string id) => Client.GetGrain<IConnectionEvents>(id);

    public INsmgrMonitorGrain Monitor(string nsmgrAddress) => Client.GetGrain<INsmgrMonitorGrain>(nsmgrAddress);

    /// <summary>The connection's durable backstop reminder as the reminder table holds it, or null.</summary>
    public async Task<ReminderEntry?> BackstopReminderOf(IConnectionGrain grain)
    {
        var table = Cluster.Silos[0].ServiceProvider.GetRequiredService<IReminderTable>();
        return await table.ReadRow(grain.GetGrainId(), HealingStorage.BackstopReminder);
    }

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}
