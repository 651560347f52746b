using Microsoft.Extensions.Time.Testing;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>A cluster whose grain timers and clocks run on a fake clock, shared with each test's simulator.</summary>
public sealed class FakeTimeClusterFixture : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.UtcNow);

    public HealingCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await HealingCluster.StartAsync(silos: 1, grainTime: Time);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>Advances fake time in steps until <paramref name="condition"/> holds, letting real work (gRPC) finish in between.</summary>
    public Task AdvanceUntil(Func<Task<bool>> condition, TimeSpan step, string what) => Eventually.AdvanceUntil(Time, condition, step, what);
}

[CollectionDefinition(Name)]
public sealed class FakeTimeClusterCollection : ICollectionFixture<FakeTimeClusterFixture>
{
    public const string Name = "fake-time healing cluster";
}
