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
    public async Task AdvanceUntil(Func<Task<bool>> condition, TimeSpan step, string what)
    {
        var deadline = DateTime.UtcNow + Eventually.DefaultTimeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out advancing fake time waiting for: {what}");
            }

            Time.Advance(step);
            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FakeTimeClusterCollection : ICollectionFixture<FakeTimeClusterFixture>
{
    public const string Name = "fake-time healing cluster";
}
