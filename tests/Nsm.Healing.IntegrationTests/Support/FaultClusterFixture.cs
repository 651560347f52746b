namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// A one-silo cluster whose storage fails or holds writes on demand (<see cref="FaultyGrainStorage"/>), and whose heal
/// admission starts at a budget of one with no standing permits, so a test sees every permit a heal takes.
/// </summary>
public sealed class FaultClusterFixture : IAsyncLifetime
{
    public HealingCluster Cluster { get; private set; } = null!;

    public FaultyGrainStorage Storage => Cluster.StorageOf(0);

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync(silos: 1, faultyStorage: true, monitor: options =>
    {
        HealingCluster.TestMonitorOptions(options);
        options.AdmissionInitialBudget = 1;
        options.AdmissionSiloReserve = false;
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class FaultClusterCollection : ICollectionFixture<FaultClusterFixture>
{
    public const string Name = "healing cluster with faulty storage";
}
