using System.IO;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Silo.Status;
using Orleans.Serialization;

namespace Nsm.Healing.Benchmarks;

/// <summary>What registering, a silo's death and /status cost as the cluster grows (one row per measured cost).</summary>
/// <param name="Before">The same cost as the service paid before it was made incremental / once-per-NSMgr / cached.</param>
public sealed record CostResult(string Cost, int Connections, int Silos, double Ours, double Before, string Unit);

/// <summary>
/// Costs that grow with the cluster, each measured on an in-process cluster with memory storage:
/// the bytes one registration writes (one slice of the monitor's set, against the whole set), the time a Register takes
/// with N registered, the wake messages one silo death sends (each silo's supervisor reports it), and /status reads.
/// </summary>
public static class CostsBenchmark
{
    // Nothing listens there: the monitor's stream breaks once and reports it, and nothing else talks to the ids.
    private const string Nsmgr = "http://127.0.0.1:9";
    private const int TimedRegisters = 200;
    private const int StatusRequests = 20;

    public static async Task<IReadOnlyList<CostResult>> RunAsync(int connections, int silos, TextWriter log)
    {
        await using var cluster = await BenchCluster.StartAsync(silos);
        var monitor = cluster.Monitor(Nsmgr);
        var ids = Enumerable.Range(0, connections).Select(i => $"costs-{i}").ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = HealStormBenchmark.RegisterParallelism }, async (id, _) => await monitor.Register(id));

        var results = new List<CostResult>();
        var serializer = cluster.Client.ServiceProvider.GetRequiredService<Serializer>();
        var whole = serializer.SerializeToArray(new HashSet<string>(ids, StringComparer.Ordinal)).Length;
        var slice = serializer.SerializeToArray(new RegistrationBucket { ConnectionIds = new HashSet<string>(ids.Take(connections / RegisteredConnectionsSlices), StringComparer.Ordinal) }).Length;
        results.Add(new CostResult("bytes written per Register", connections, 1, slice, whole, "B"));

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < TimedRegisters; i++)
        {
            await monitor.Register($"costs-timed-{i}");
        }

        results.Add(new CostResult("time per Register (sequential)", connections, 1, clock.Elapsed.TotalMilliseconds / TimedRegisters, double.NaN, "ms"));

        // One membership change with a dead silo, as every silo's supervisor reports it.
        var registered = (await monitor.GetStatus()).RegisteredConnections;
        var wakesBefore = (await monitor.GetStatus()).WakeBroadcasts;
        for (var silo = 0; silo < silos; silo++)
        {
            await monitor.WakeConnections(membershipVersion: 1_000);
        }

        // Duplicates of an answered version change nothing, whenever they arrive.
        await Eventually.True(async () => (await monitor.GetStatus()).WakeBroadcasts > wakesBefore, "the wake", TimeSpan.FromSeconds(30));
        var wakes = (await monitor.GetStatus()).WakeBroadcasts - wakesBefore;
        results.Add(new CostResult("wake messages per silo death", registered, silos, wakes * (double)registered, silos * (double)registered, "messages"));

        var status = new ClusterStatusReader(cluster.Client, TimeProvider.System);
        clock.Restart();
        await status.ReadAsync(CancellationToken.None);
        var firstRead = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        await Task.WhenAll(Enumerable.Range(0, StatusRequests).Select(_ => status.ReadAsync(CancellationToken.None)));
        var perRequest = clock.Elapsed.TotalMilliseconds / StatusRequests;
        results.Add(new CostResult($"/status: {StatusRequests} requests within its 10 s, per request", registered, silos, perRequest, firstRead, "ms"));
        // One fresh read asks each connection once (at most MaxConnectionsCounted); the other requests asked nobody.
        results.Add(new CostResult($"/status: GetState calls for {StatusRequests + 1} requests", registered, silos,
            Math.Min(registered, ClusterStatusReader.MaxConnectionsCounted), (StatusRequests + 1) * (double)registered, "calls"));

        foreach (var r in results)
        {
            log.WriteLine($"  {r.Cost}, N={r.Connections}, {r.Silos} silo(s): ours {r.Ours:0.###} {r.Unit}, before {r.Before:0.###} {r.Unit}");
        }

        return results;
    }

    /// <summary>The monitor stores its registrations in this many slices (RegisteredConnections.Buckets).</summary>
    private const int RegisteredConnectionsSlices = 64;
}
