using System.IO;
using System.Diagnostics;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;

namespace Nsm.Healing.Benchmarks;

/// <summary>Managed memory per registered connection in one silo, split into what the activations hold and the rest.</summary>
public sealed record FootprintResult(
    string Storage,
    int Connections,
    double SiloBytesPerConnection,
    double ActivationBytesPerConnection,
    double StorageAndMonitorBytesPerConnection,
    double SimulatorBytesPerConnection,
    double RegisterSeconds);

/// <summary>
/// Footprint: N connections registered in a one-silo in-process cluster, Up and idle, with connection state in the
/// silo's memory (the Development profile) or in a real redis-server (the production profile's storage). The managed heap's growth is measured, the simulator's own share (the same N
/// connections requested over plain gRPC in a simulator of their own) is subtracted, and then every connection grain
/// is deactivated: what the heap gives back is what the activations held; what stays is the memory storage's copy of
/// the state (with memory storage) and the monitor's registrations.
/// </summary>
public static class FootprintBenchmark
{
    private const string Nsmgr = "nsmgr-1";

    /// <param name="redis">Connection state in this Redis (the production profile's storage); null: in the silo's memory.</param>
    public static async Task<FootprintResult> RunAsync(int connections, RedisServer? redis, TextWriter log)
    {
        var storage = redis is null ? "memory" : "redis";
        var simulatorShare = await HealStormBenchmark.SimulatorBytesPerConnectionAsync(connections);
        await using var cluster = await BenchCluster.StartAsync(silos: 1, redisStorage: redis?.ConnectionString);
        var topology = HealStormBenchmark.Topology(connections);
        await using var sim = await NsmSimulator.StartAsync(topology);
        var address = sim.NsmgrAddress(Nsmgr);
        var ids = Enumerable.Range(0, connections).Select(i => $"footprint-{i}").ToArray();
        // One connection first, so the monitor stream, channel and grain types are warm and not charged to the N.
        await Register(cluster, address, "footprint-warm-up", "");
        await Eventually.True(async () => (await cluster.Monitor(address).GetStatus()).StreamConnected, "the monitor stream", TimeSpan.FromSeconds(30));

        var before = ManagedHeap.Measure();
        var register = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = HealStormBenchmark.RegisterParallelism }, async (i, _) =>
            await Register(cluster, address, ids[i], HealStormBenchmark.SpreadOver(topology, i)));
        register.Stop();
        var registered = ManagedHeap.Measure();

        await cluster.DeactivateConnectionGrainsAsync([.. ids, "footprint-warm-up"]);
        var deactivated = ManagedHeap.Measure();

        var silo = (registered - before) / (double)connections - simulatorShare;
        var activations = (registered - deactivated) / (double)connections;
        var result = new FootprintResult(storage, connections, silo, activations, silo - activations, simulatorShare, register.Elapsed.TotalSeconds);
        log.WriteLine($"  footprint N={connections}, {storage} storage: {silo:0} B per connection in the silo ({activations:0} B activations, {silo - activations:0} B storage and monitor); simulator {simulatorShare:0} B");
        return result;
    }

    private static Task Register(BenchCluster cluster, string address, string id, string endpoint) =>
        cluster.Connection(id).Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(id, endpoint: endpoint), ClientName = "nsc-bench" });
}
