namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>One real-time two-silo cluster shared by a test collection; each test uses its own connection ids and simulator.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public HealingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "healing cluster";
}
