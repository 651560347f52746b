using System.IO;
using System.Diagnostics;
using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator;

namespace Nsm.Healing.Benchmarks;

/// <summary>Events per second from one NSMgr stream: a bare reader of the stream (the floor) and ours, side by side.</summary>
public sealed record IngestionResult(string Events, int EventsPerRound, int Rounds, double FloorEventsPerSecond, double OursEventsPerSecond);

/// <summary>
/// Monitor ingestion. A burst of UPDATE events is queued on the NSMgr's monitor streams at once (one connection per
/// event, as an NSMgr sends them), then a marker event; the clock stops when the marker is through:
/// - no-op: state UP for registered connections, nothing to act on (the steady state of a healthy NSMgr);
/// - changing: state DOWN naming an endpoint the connection no longer uses, different every time, so the monitor grain
///   delivers every one to its connection grain (one-way), which judges it stale and does nothing more.
/// Ours: a one-silo cluster with the connections registered; the marker is a DOWN for an unregistered id, through when
/// the monitor grain has counted it unmatched. The floor: a plain gRPC client counting the events it read.
/// </summary>
public static class IngestionBenchmark
{
    private const string Nsmgr = "nsmgr-1";
    private const int Connections = 1000;

    public static async Task<IReadOnlyList<IngestionResult>> RunAsync(int noOpEvents, int changingEvents, int rounds, TextWriter log)
    {
        var topology = HealStormBenchmark.Topology(Connections);
        await using var cluster = await BenchCluster.StartAsync(silos: 1);
        await using var oursSim = await NsmSimulator.StartAsync(topology);
        await using var floorSim = await NsmSimulator.StartAsync(topology);
        var address = oursSim.NsmgrAddress(Nsmgr);
        var ids = Enumerable.Range(0, Connections).Select(i => $"ingest-{i}").ToArray();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = HealStormBenchmark.RegisterParallelism }, async (id, _) =>
            await cluster.Connection(id).Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(id), ClientName = "nsc-bench" }));
        await Eventually.True(async () => (await cluster.Monitor(address).GetStatus()) is { StreamConnected: true } status && status.RegisteredConnections == Connections,
            "the monitor to hold every connection", TimeSpan.FromMinutes(1));
        using var floorChannel = NsmWire.Channel(floorSim.NsmgrAddress(Nsmgr));
        await using var floor = await StreamCounter.StartAsync(floorChannel.CallInvoker);

        var kinds = new (string Name, int Count, Func<int, int, ConnectionEvent> Event)[]
        {
            ("no-op UPDATE (state UP)", noOpEvents, (round, k) => Update(ids[k % Connections], State.Up, "")),
            ("changing UPDATE (state DOWN, stale)", changingEvents, (round, k) => Update(ids[k % Connections], State.Down, $"gone-{round}-{k}")),
        };
        var results = new List<IngestionResult>();
        foreach (var (name, count, make) in kinds)
        {
            var floorRates = new List<double>();
            var oursRates = new List<double>();
            for (var round = 0; round < rounds; round++)
            {
                // Alternate which goes first, so neither always runs on a warmer machine.
                var floorFirst = round % 2 == 0;
                for (var turn = 0; turn < 2; turn++)
                {
                    if ((turn == 0) == floorFirst)
                    {
                        floorRates.Add(await FloorRoundAsync(floorSim, floor, count, k => make(round, k)));
                    }
                    else
                    {
                        oursRates.Add(await OursRoundAsync(oursSim, cluster, address, count, k => make(round, k), $"marker-{name.Length}-{round}"));
                    }
                }
            }

            var result = new IngestionResult(name, count, rounds, Median(floorRates), Median(oursRates));
            log.WriteLine($"  ingestion, {name}: floor {result.FloorEventsPerSecond:0} events/s, ours {result.OursEventsPerSecond:0} events/s");
            results.Add(result);
        }

        return results;
    }

    private static async Task<double> FloorRoundAsync(NsmSimulator sim, StreamCounter floor, int count, Func<int, ConnectionEvent> make)
    {
        var target = floor.Read + count + 1;
        var clock = Stopwatch.StartNew();
        Inject(sim, count, make, Update("floor-marker", State.Down, ""));
        await Eventually.True(() => floor.Read >= target, "the floor reader to read the burst", TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(1));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static async Task<double> OursRoundAsync(NsmSimulator sim, BenchCluster cluster, string address, int count, Func<int, ConnectionEvent> make, string marker)
    {
        var monitor = cluster.Monitor(address);
        var unmatchedBefore = (await monitor.GetStatus()).EventsUnmatched;
        var clock = Stopwatch.StartNew();
        Inject(sim, count, make, Update(marker, State.Down, ""));
        await Eventually.True(async () => (await monitor.GetStatus()).EventsUnmatched > unmatchedBefore, "the monitor to take the burst", TimeSpan.FromMinutes(2), poll: TimeSpan.FromMilliseconds(1));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static void Inject(NsmSimulator sim, int count, Func<int, ConnectionEvent> make, ConnectionEvent marker)
    {
        for (var k = 0; k < count; k++)
        {
            sim.Faults.InjectMonitorEvent(Nsmgr, make(k));
        }

        sim.Faults.InjectMonitorEvent(Nsmgr, marker);
    }

    /// <summary>One UPDATE for one connection, keyed as an NSMgr keys its map: by its own segment id.</summary>
    private static ConnectionEvent Update(string id, State state, string endpoint) => new()
    {
        Type = ConnectionEventType.Update,
        Connections =
        {
            [$"{id}-nsmgr"] = new Connection
            {
                Id = $"{id}-nsmgr",
                NetworkService = "ns-1",
                NetworkServiceEndpointName = endpoint,
                State = state,
                Path = new Api.Path
                {
                    Index = 1,
                    PathSegments = { new PathSegment { Name = "nsc-bench", Id = id }, new PathSegment { Name = Nsmgr, Id = $"{id}-nsmgr" } },
                },
            },
        },
    };

    private static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>A bare MonitorConnections reader: counts what it reads, nothing else.</summary>
    private sealed class StreamCounter : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Task _loop = Task.CompletedTask;
        private long _read;

        public long Read => Interlocked.Read(ref _read);

        public static async Task<StreamCounter> StartAsync(CallInvoker channel)
        {
            var counter = new StreamCounter();
            counter._loop = Task.Run(() => counter.ReadAsync(new MonitorConnection.MonitorConnectionClient(channel)));
            await counter._opened.Task.WaitAsync(TimeSpan.FromSeconds(10));
            return counter;
        }

        private async Task ReadAsync(MonitorConnection.MonitorConnectionClient client)
        {
            using var call = client.MonitorConnections(new MonitorScopeSelector(), cancellationToken: _stop.Token);
            try
            {
                await foreach (var connectionEvent in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer)
                    {
                        _opened.TrySetResult();
                        continue;
                    }

                    Interlocked.Add(ref _read, connectionEvent.Connections.Count);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _loop;
            _stop.Dispose();
        }
    }
}
