using Grpc.Core;
using System.IO;
using System.Diagnostics;
using Nsm.Healing.Monitoring;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Benchmarks;

/// <summary>One heal storm: N connections behind one NSMgr that restarts, for one variant.</summary>
public sealed record StormResult(
    string Variant,
    int Connections,
    double DowntimeMs,
    double RegisterSeconds,
    double AllKnownAfterRestartBeganMs,
    double AllKnownAfterNsmgrBackMs,
    int PeakConcurrentRequests,
    int RequestsDuringStorm,
    int FailedRequestsDuringStorm,
    int StreamsHeld,
    int Healed,
    double ManagedBytesPerConnection,
    double FirstStreamReopenedAfterBackMs,
    double FirstHealAfterBackMs,
    double NsmgrRequestLatencyMs);

/// <summary>
/// Heal storm: register N connections (at <see cref="RegisterParallelism"/>), restart the NSMgr with a fixed downtime,
/// and time until the NSMgr knows all N again (watched on the simulator's side), then check every connection once.
/// </summary>
public static class HealStormBenchmark
{
    /// <summary>Below the admission budget, so the NSMgr's recorded peak belongs to the storm, not the set-up.</summary>
    public const int RegisterParallelism = 8;

    private const string Nsmgr = "nsmgr-1";
    private static readonly TimeSpan Downtime = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan StormTimeout = TimeSpan.FromMinutes(3);

    /// <param name="variant">"c" on the defaults; another name with <paramref name="monitor"/> overrides for a what-if run.</param>
    /// <param name="secure">mTLS and signed tokens (the default), or h2c without tokens ("c-plain"), to price signing.</param>
    public static async Task<StormResult> RunOursAsync(
        int silos, int connections, TimeSpan nsmgrLatency, TextWriter log, string variant = "c", Action<MonitorOptions>? monitor = null, bool secure = true)
    {
        await using var cluster = await BenchCluster.StartAsync(silos, monitor, secure: secure);
        // Two NSEs up to 16k connections, as always; more beyond, named round-robin, so no NSE runs out of addresses.
        var topology = Topology(connections);
        await using var sim = await NsmSimulator.StartAsync(topology, security: secure ? null : SimulatorSecurity.Plaintext);
        var address = sim.NsmgrAddress(Nsmgr);
        var ids = Enumerable.Range(0, connections).Select(i => $"storm-ours-{i}").ToArray();
        var heapBefore = ManagedHeap.Measure();
        var register = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = RegisterParallelism }, async (i, _) =>
            await cluster.Connection(ids[i]).Request(new ConnectionRequest
            {
                NsmgrAddress = address,
                Request = NsmWire.NewRequest(ids[i], endpoint: connections > 16_000 ? SpreadOver(topology, i) : ""),
                ClientName = "nsc-bench",
            }));
        await Eventually.True(async () => (await cluster.Monitor(address).GetStatus()) is { StreamConnected: true } status && status.RegisteredConnections == connections,
            "the monitor to hold every connection", TimeSpan.FromMinutes(2));
        register.Stop();
        var perConnection = (ManagedHeap.Measure() - heapBefore) / (double)connections;
        log.WriteLine($"  {variant} N={connections}: registered in {register.Elapsed.TotalSeconds:0.0} s");

        var result = await StormAsync(sim, connections, variant, nsmgrLatency, register.Elapsed, perConnection, async () =>
        {
            var states = await Task.WhenAll(ids.Select(id => cluster.Connection(id).GetState()));
            return states.Count(s => s is { Phase: ConnectionPhase.Up, History.Count: > 0 });
        });
        log.WriteLine($"  {variant} N={connections}: all known {result.AllKnownAfterRestartBeganMs:0} ms after the restart began, peak {result.PeakConcurrentRequests}, requests {result.RequestsDuringStorm}");
        return result;
    }

    public static async Task<StormResult> RunUpstreamAsync(int connections, TimeSpan retryInterval, TimeSpan nsmgrLatency, TextWriter log)
    {
        await using var sim = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, forwardersPerNode: 2, nsesPerNode: 2));
        using var channel = NsmWire.Channel(sim.NsmgrAddress(Nsmgr));
        var ids = Enumerable.Range(0, connections).Select(i => $"storm-upstream-{i}").ToArray();
        var clients = new UpstreamStyleClient[connections];
        var heapBefore = ManagedHeap.Measure();
        var register = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = RegisterParallelism }, async (i, _) =>
        {
            clients[i] = await UpstreamStyleClient.ConnectAsync(channel.CallInvoker, ids[i], HealDecision.Reselect, retryInterval);
            await clients[i].StreamOpen.WaitAsync(TimeSpan.FromSeconds(60));
        });
        register.Stop();
        var perConnection = (ManagedHeap.Measure() - heapBefore) / (double)connections;
        log.WriteLine($"  upstream N={connections}: registered in {register.Elapsed.TotalSeconds:0.0} s");
        try
        {
            var result = await StormAsync(sim, connections, "b", nsmgrLatency, register.Elapsed, perConnection,
                () => Task.FromResult(clients.Count(c => c.Heals > 0)));
            log.WriteLine($"  upstream N={connections}: all known {result.AllKnownAfterRestartBeganMs:0} ms after the restart began, peak {result.PeakConcurrentRequests}, requests {result.RequestsDuringStorm}");
            return result;
        }
        finally
        {
            await Parallel.ForEachAsync(clients, async (client, _) => await client.DisposeAsync());
        }
    }

    /// <summary>One node, two forwarders, and NSEs enough for <paramref name="connections"/>: each NSE's /16 gives out ~32k address pairs.</summary>
    public static SimulatorTopology Topology(int connections) =>
        SimulatorTopology.Default(nodes: 1, forwardersPerNode: 2, nsesPerNode: Math.Max(2, connections / 16_000 + 1));

    /// <summary>The simulator always picks the first NSE; large runs name one, round-robin, so no NSE runs out of addresses.</summary>
    public static string SpreadOver(SimulatorTopology topology, int index)
    {
        var nses = topology.Nodes.SelectMany(node => node.Nses).ToList();
        return nses[index % nses.Count].Name;
    }

    private static async Task<StormResult> StormAsync(
        NsmSimulator sim, int connections, string variant, TimeSpan nsmgrLatency, TimeSpan registered, double bytesPerConnection, Func<Task<int>> countHealed)
    {
        // Set after the set-up, so only the storm's Requests wait: a slower NSMgr makes concurrency at it visible.
        sim.Faults.SetRequestLatency(nsmgrLatency, Nsmgr);
        var streamsHeld = sim.Records.OpenMonitorStreams(Nsmgr);
        var requestsBefore = sim.Records.Requests().Count;
        var streamsOpenedBefore = sim.Records.MonitorStreamsOpened(Nsmgr);
        var clock = Stopwatch.StartNew();
        var restartedAt = TimeProvider.System.GetUtcNow();
        await sim.Faults.RestartNsmgrAsync(Nsmgr, Downtime);
        var back = clock.Elapsed;
        var backAt = restartedAt + back;
        var streamReopened = Task.Run(async () =>
        {
            await Eventually.True(() => sim.Records.MonitorStreamsOpened(Nsmgr) > streamsOpenedBefore, "a monitor stream to reopen", StormTimeout, poll: TimeSpan.FromMilliseconds(2));
            return clock.Elapsed - back;
        });
        await Eventually.True(() => sim.ConnectionsKnownBy(Nsmgr).Count == connections, $"the NSMgr to know all {connections} again", StormTimeout, poll: TimeSpan.FromMilliseconds(10));
        var allKnown = clock.Elapsed;
        var healed = 0;
        await Eventually.True(async () => (healed = await countHealed()) == connections, $"all {connections} connections to report a heal", TimeSpan.FromSeconds(60), poll: TimeSpan.FromMilliseconds(200));
        var storm = sim.Records.Requests().Skip(requestsBefore).ToList();
        var firstHeal = storm.FirstOrDefault(r => r.Outcome == Grpc.Core.StatusCode.OK)?.Timestamp - backAt;
        return new StormResult(variant, connections, Downtime.TotalMilliseconds, registered.TotalSeconds,
            allKnown.TotalMilliseconds, (allKnown - back).TotalMilliseconds,
            sim.Records.PeakConcurrentRequests(Nsmgr), storm.Count, storm.Count(r => r.Outcome != Grpc.Core.StatusCode.OK),
            streamsHeld, healed, bytesPerConnection, (await streamReopened).TotalMilliseconds, firstHeal?.TotalMilliseconds ?? double.NaN,
            nsmgrLatency.TotalMilliseconds);
    }

    /// <summary>
    /// Managed bytes per connection the in-process simulator alone keeps (connections requested over plain gRPC, no
    /// monitor), to subtract from the storm runs' per-connection growth, which includes the simulator.
    /// </summary>
    public static async Task<double> SimulatorBytesPerConnectionAsync(int connections)
    {
        var topology = Topology(connections);
        await using var sim = await NsmSimulator.StartAsync(topology);
        using var channel = NsmWire.Channel(sim.NsmgrAddress(Nsmgr));
        var nsmgr = new Api.NetworkService.NetworkServiceClient(channel.CallInvoker);
        await nsmgr.RequestAsync(NsmWire.NewRequest("warm-up", withPath: true));
        var before = ManagedHeap.Measure();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = RegisterParallelism }, async (i, _) =>
            await nsmgr.RequestAsync(NsmWire.NewRequest($"sim-only-{i}", withPath: true, SpreadOver(topology, i))));
        return (ManagedHeap.Measure() - before) / (double)connections;
    }
}
