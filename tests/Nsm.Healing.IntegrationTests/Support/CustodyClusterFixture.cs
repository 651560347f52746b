namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// A one-silo cluster for custody tests. Snapshots come from the Close verification only (the periodic resync is left at
/// its 5 minutes), re-read 300 ms after a connection leaves an NSMgr, so a test sees the verification and nothing else.
/// </summary>
public sealed class CustodyClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan VerificationDelay = TimeSpan.FromMilliseconds(300);

    public HealingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync(silos: 1, monitor: options =>
    {
        HealingCluster.TestMonitorOptions(options);
        options.CloseVerificationDelay = VerificationDelay;
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class CustodyClusterCollection : ICollectionFixture<CustodyClusterFixture>
{
    public const string Name = "custody cluster";
}

/// <summary>A one-silo cluster whose monitors re-read every snapshot each second, so planted orphans are audited soon.</summary>
public sealed class AuditClusterFixture : IAsyncLifetime
{
    public HealingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync(silos: 1, monitor: options =>
    {
        HealingCluster.TestMonitorOptions(options);
        options.ResyncInterval = TimeSpan.FromSeconds(1);
    });

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class AuditClusterCollection : ICollectionFixture<AuditClusterFixture>
{
    public const string Name = "orphan audit cluster";
}
