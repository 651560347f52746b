namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>Three silos with a small heal budget (so storm control is visible) and a short resync interval.</summary>
public sealed class MonitorClusterFixture : IAsyncLifetime
{
    public const int AdmissionMaxConcurrency = 16;

    public HealingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync(silos: 3, monitor: options =>
    {
        HealingCluster.TestMonitorOptions(options);
        options.ResyncInterval = TimeSpan.FromSeconds(2);
        options.AdmissionInitialBudget = 4;
        options.AdmissionMaxConcurrency = AdmissionMaxConcurrency;
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class MonitorClusterCollection : ICollectionFixture<MonitorClusterFixture>
{
    public const string Name = "three-silo monitor cluster";
}
