using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Orleans.TestingHost;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>
/// One silo that keeps its log lines, with limits small enough for tests to hit: a 4 MiB receive limit (the lowest
/// allowed) and a 1 s deadline for a monitor stream's INITIAL_STATE_TRANSFER.
/// </summary>
public sealed class HostileClusterFixture : IAsyncLifetime
{
    public const int MaxReceiveMessageBytes = 4 * 1024 * 1024;
    public static readonly TimeSpan InitialStateTimeout = TimeSpan.FromSeconds(1);

    /// <summary>A short request timeout, for tests whose NSMgr hangs: the call fails in a second.</summary>
    public static readonly HealPolicy ShortTimeoutPolicy = NscScenario.FastPolicy with { RequestTimeout = TimeSpan.FromSeconds(1) };

    private InProcessTestCluster _cluster = null!;

    public LogCapture Logs { get; } = new();

    public IClusterClient Client => _cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage(HealingStorage.Name)
            .UseInMemoryReminderService()
            .AddNsmHealing(
                configureNsmgr: nsmgr =>
                {
                    nsmgr.AllowedAddresses = HealingCluster.LoopbackNsmgrs;
                    nsmgr.MaxReceiveMessageBytes = MaxReceiveMessageBytes;
                    nsmgr.DialTimeout = TimeSpan.FromSeconds(1);
                },
                configureMonitor: monitor =>
                {
                    HealingCluster.TestMonitorOptions(monitor);
                    monitor.InitialStateTimeout = InitialStateTimeout;
                }));
        builder.ConfigureSiloHost((_, host) => host.Services.AddSingleton<ILoggerProvider>(Logs));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public IConnectionGrain Connection(string id) => Client.GetGrain<IConnectionGrain>(id);

    public INsmgrMonitorGrain Monitor(string nsmgrAddress) => Client.GetGrain<INsmgrMonitorGrain>(nsmgrAddress);

    public ConnectionRequest RequestFor(string id, string nsmgrAddress, HealPolicy? policy = null) => new()
    {
        NsmgrAddress = nsmgrAddress,
        Request = NscScenario.NewRequest(id),
        ClientName = "nsc-under-test",
        Policy = policy ?? NscScenario.FastPolicy,
    };
}

[CollectionDefinition(Name)]
public sealed class HostileClusterCollection : ICollectionFixture<HostileClusterFixture>
{
    public const string Name = "hostile-input cluster";
}
