using System.Collections.Concurrent;
using Nsm.Healing.DurabilityTests.Support;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// After the faults stop: waits until every connection has converged — Closed where its NSC closed it, otherwise Up on a
/// vWire that works at the simulator and ends at the NSE the grain names — and every NSMgr has exactly one monitor
/// stream (invariant 5); meanwhile it watches that no heal sits without a retry (invariant 4).
/// </summary>
/// <param name="requestTimeout">The connections' heal policy's request timeout: how long a heal's attempt may take.</param>
public sealed class ChaosConvergence(DurableCluster cluster, IReadOnlyList<string> ids, ChaosLedger ledger, TimeSpan requestTimeout)
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, ConnectionSnapshot> _latest = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _errors = new(StringComparer.Ordinal);

    public HealingWithoutRetryWatch Watch { get; } = new(cluster.Redis, cluster.ServiceId, requestTimeout);

    /// <returns>Every connection's snapshot, all read after the last one converged.</returns>
    public async Task<IReadOnlyDictionary<string, ConnectionSnapshot>> WaitAsync(TimeSpan timeout)
    {
        await Eventually.True(
            async () =>
            {
                // Only the connections not yet converged; once none is left, all of them once more, since a late
                // liveness report may still move one. Only that full read can end the wait.
                var pending = ids.Where(id => !_latest.TryGetValue(id, out var s) || !Converged(s)).ToList();
                await ReadAsync(pending.Count > 0 ? pending : ids);
                return pending.Count == 0 && ids.All(id => _latest.TryGetValue(id, out var s) && Converged(s)) && OneStreamPerNsmgr();
            },
            "every connection to converge and every NSMgr to have one monitor stream",
            timeout,
            Diagnostics);
        return _latest.ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);
    }

    /// <summary>Closed where the NSC closed it; otherwise Up, on a working vWire at the NSE the grain names.</summary>
    public bool Converged(ConnectionSnapshot snapshot)
    {
        if (ledger.IsClosing(snapshot.ConnectionId))
        {
            return snapshot.Phase == ConnectionPhase.Closed;
        }

        var wiring = cluster.Simulator.WiringOf(snapshot.ConnectionId);
        return snapshot.Phase == ConnectionPhase.Up && wiring is { DataPlaneUp: true } && wiring.Endpoint == snapshot.Endpoint;
    }

    private async Task ReadAsync(IReadOnlyList<string> selected)
    {
        var read = new ConcurrentBag<ConnectionSnapshot>();
        await Parallel.ForEachAsync(selected, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (id, cancellation) =>
        {
            try
            {
                var snapshot = await cluster.Client.GetGrain<IConnectionGrain>(id).GetState().WaitAsync(CallTimeout, cancellation);
                _latest[id] = snapshot;
                _errors.TryRemove(id, out _);
                read.Add(snapshot);
            }
            catch (Exception e)
            {
                // Right after a failover a call may still meet a dead silo; an NSC asks again, and so do we.
                _latest.TryRemove(id, out _);
                _errors[id] = $"{e.GetType().Name}: {e.Message}";
            }
        });
        await Watch.ObserveAsync(read);
    }

    private bool OneStreamPerNsmgr() => cluster.Simulator.Nsmgrs.All(nsmgr => cluster.Simulator.Records.OpenMonitorStreams(nsmgr) == 1);

    private string Diagnostics()
    {
        var simulator = cluster.Simulator;
        var streams = string.Join(", ", simulator.Nsmgrs.Select(n => $"{n}: {simulator.Records.OpenMonitorStreams(n)} open monitor streams"));
        var pending = ids.Where(id => !_latest.TryGetValue(id, out var s) || !Converged(s)).ToList();
        return $"{streams}; {pending.Count} connections not converged, e.g.:\n" + string.Join("\n", pending.Take(10).Select(Describe));
    }

    private string Describe(string id)
    {
        var wiring = cluster.Simulator.WiringOf(id);
        var at = wiring is null ? "not wired" : $"wired to {wiring.Endpoint} via {string.Join("/", wiring.Forwarders)}, data plane {(wiring.DataPlaneUp ? "up" : "down")}";
        var expected = ledger.IsClosing(id) ? "Closed" : "Up";
        return _latest.TryGetValue(id, out var s)
            ? $"{id}: expected {expected}, is {s.Phase} ({s.Reason}) at {s.Endpoint}, next attempt {s.NextAttemptAt:HH:mm:ss.fff}, {at}"
            : $"{id}: expected {expected}, unreadable ({_errors.GetValueOrDefault(id)}), {at}";
    }
}
