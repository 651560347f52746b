using System.Diagnostics;
using Nsm.Healing.DurabilityTests.Support;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>
/// SIGTERM on a silo that holds a connection somebody watches: the silo does not wait for the watcher. The watch
/// ends cleanly, before the silo has exited, on a snapshot that is not Closed (the connection lives on: watch again),
/// and a new watch follows the connection on the silo that stays.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ShutdownWithWatchersTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sigterm_ends_the_watch_of_a_connection_on_the_leaving_silo_before_the_silo_exits()
    {
        await using var cluster = await DurableCluster.StartAsync(silos: 2, output);
        var id = Connections.NewIds("watched-at-shutdown", 1)[0];
        await Connections.RegisterAsync(cluster.Client, cluster.NsmgrAddress, [id]);
        var grain = cluster.Client.GetGrain<IConnectionGrain>(id);
        var host = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
        var leaving = cluster.SiloOnPort(host!.Endpoint.Port);
        using var generous = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watch = grain.Watch(generous.Token).GetAsyncEnumerator(generous.Token);
        Assert.True(await watch.MoveNextAsync());
        var first = watch.Current;
        Assert.Equal(ConnectionPhase.Up, first.Phase);
        var ended = Task.Run(async () =>
        {
            // Ends by completing, not by Orleans aborting the enumerator of a grain that deactivated under it.
            var last = first;
            while (await watch.MoveNextAsync())
            {
                last = watch.Current;
            }

            return (Last: last, SiloExitedFirst: leaving.HasExited);
        });

        var sinceSignal = Stopwatch.StartNew();
        leaving.Terminate();
        var (lastSeen, siloExitedFirst) = await ended;
        var watchEndedAfter = sinceSignal.Elapsed;
        var exitCode = await leaving.WaitForExitAsync(TimeSpan.FromSeconds(60));
        cluster.Note($"SIGTERM with a watcher open: watch ended after {watchEndedAfter.TotalSeconds:F2} s, silo exited {exitCode} after {sinceSignal.Elapsed.TotalSeconds:F2} s");
        await watch.DisposeAsync();

        Assert.False(siloExitedFirst, "the silo exited before it ended the watch");
        Assert.NotEqual(ConnectionPhase.Closed, lastSeen.Phase);
        Assert.Equal(0, exitCode);
        await using var again = grain.Watch(generous.Token).GetAsyncEnumerator(generous.Token);
        Assert.True(await again.MoveNextAsync());
        Assert.Equal(ConnectionPhase.Up, again.Current.Phase);
    }
}
