using System.Diagnostics;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// Runs a schedule against the real processes: each step at its time (the workload's pacing) and writes what it did to
/// the ledger. What real time can break in the schedule's plan — a restarted silo slower to become ready than planned — is
/// enforced by waiting for it: a silo never starts while Redis is down, Redis never restarts while a silo is joining, and
/// a kill always leaves a ready silo.
/// </summary>
public sealed class ChaosExecutor
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(120);

    private readonly DurableCluster _cluster;
    private readonly IReadOnlyList<string> _ids;
    private readonly ChaosLedger _ledger;
    private readonly IReadOnlyList<SiloPorts> _slots;
    private readonly Dictionary<int, Task> _siloStarts = [];
    private readonly List<Task> _background = [];
    private Task _redisRestart = Task.CompletedTask;

    /// <param name="ids">The run's connections; a schedule names them by index.</param>
    public ChaosExecutor(DurableCluster cluster, IReadOnlyList<string> ids, ChaosLedger ledger)
    {
        _cluster = cluster;
        _ids = ids;
        _ledger = ledger;
        _slots = [.. cluster.Silos.Select(silo => silo.Ports)];
    }

    /// <summary>Every step at its time; the last ones are recoveries, so the faults have stopped when this returns.</summary>
    public async Task RunAsync(ChaosSchedule schedule)
    {
        var clock = Stopwatch.StartNew();
        foreach (var step in schedule.Steps)
        {
            if (step.At > clock.Elapsed)
            {
                await Task.Delay(step.At - clock.Elapsed);
            }

            _cluster.Note($"chaos step {step}");
            await ExecuteAsync(step);
            if (step.Fault is { } fault && step is not (BreakDataPlanes or CloseConnections))
            {
                _ledger.Injected(fault);
            }
        }
    }

    /// <summary>Until every recovery has taken effect: silos ready, Redis and NSMgrs back, the NSCs' closes done.</summary>
    public Task WaitUntilRecoveredAsync() => Task.WhenAll(_siloStarts.Values.Append(_redisRestart).Concat(_background));

    private Task ExecuteAsync(ChaosStep step) => step switch
    {
        KillSilo kill => KillSiloAsync(kill.Slot),
        StartSilo start => StartSiloAsync(start.Slot),
        RestartRedis redis => RestartRedisAsync(redis.Downtime),
        RestartNsmgr nsmgr => Track(_cluster.Simulator.Faults.RestartNsmgrAsync(nsmgr.Nsmgr, nsmgr.Downtime)),
        KillForwarder forwarder => Done(() => KillForwarderNoting(forwarder.Forwarder)),
        RestartForwarder forwarder => Done(() => _cluster.Simulator.Faults.RestartForwarder(forwarder.Forwarder)),
        KillNse nse => Done(() => KillNseNoting(nse.Nse, nse.Replacement)),
        BreakDataPlanes breaks => Done(() => BreakWorkingVWires(breaks.Connections)),
        FailRequests failures => Done(() => _cluster.Simulator.Faults.SetRequestFailureProbability(failures.Probability, failures.Seed, failures.Nsmgr)),
        DelayRequests latency => Done(() => _cluster.Simulator.Faults.SetRequestLatency(latency.Latency, latency.Nsmgr)),
        CloseConnections closes => Done(() => StartClosing(closes.Connections)),
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "unknown chaos step"),
    };

    private async Task KillSiloAsync(int slot)
    {
        // The schedule counted these silos ready; a slow start makes it so before the kill, never after.
        await Task.WhenAll(_siloStarts.Values);
        var silo = _cluster.Silos.SingleOrDefault(s => s.Ports == _slots[slot])
            ?? throw new InvalidOperationException($"the schedule kills slot {slot}, but no silo runs there");
        await _cluster.KillAsync(silo);
    }

    private async Task StartSiloAsync(int slot)
    {
        await _redisRestart;
        // Not awaited here: the faults go on while the silo joins.
        _siloStarts[slot] = _cluster.StartSilosAsync([_slots[slot]]);
    }

    private async Task RestartRedisAsync(TimeSpan downtime)
    {
        await Task.WhenAll(_siloStarts.Values);
        // A loaded machine can stretch a restart past the schedule's spacing: two at once would kill the same process twice.
        await _redisRestart;
        _redisRestart = RestartRedisInBackground(downtime);
    }

    private async Task RestartRedisInBackground(TimeSpan downtime)
    {
        await _cluster.Redis.RestartAsync(downtime);
        _cluster.Note($"Redis answers again on port {_cluster.Redis.Port}");
    }

    /// <summary>
    /// Connections wired through the forwarder just before and just after it died: both, so none is missed. Read without
    /// the data plane, which in the kernel variant would cost two <c>ip</c> processes per connection.
    /// </summary>
    private void KillForwarderNoting(string forwarder)
    {
        var simulator = _cluster.Simulator;
        var before = simulator.ConnectionsWiredThrough(forwarder);
        var at = DateTimeOffset.UtcNow;
        simulator.Faults.KillForwarder(forwarder);
        var after = simulator.ConnectionsWiredThrough(forwarder);
        var hit = before.Keys.Union(after.Keys).ToList();
        hit.ForEach(id => _ledger.Hit(id, DataPlaneFault.ForwarderKilled, at, after.GetValueOrDefault(id) ?? before[id]));
        _cluster.Note($"forwarder {forwarder} carried {hit.Count} connections");
    }

    private void KillNseNoting(string nse, string replacement)
    {
        var simulator = _cluster.Simulator;
        var before = simulator.ConnectionsAt(nse);
        var at = DateTimeOffset.UtcNow;
        simulator.Faults.KillNse(nse, replacement);
        var after = simulator.ConnectionsWiredThrough(nse);
        var hit = before.Union(after.Keys).ToList();
        hit.ForEach(id => _ledger.Hit(id, DataPlaneFault.NseKilled, at, nse));
        _cluster.Note($"NSE {nse} held {hit.Count} connections");
    }

    /// <summary>Breaks only working vWires: a vWire already down (its heal still running) cannot break again.</summary>
    private void BreakWorkingVWires(IReadOnlyList<int> connections)
    {
        var simulator = _cluster.Simulator;
        var broken = new List<int>();
        foreach (var index in connections)
        {
            var id = _ids[index];
            if (!_ledger.IsClosing(id) && simulator.WiringOf(id) is { DataPlaneUp: true } wiring)
            {
                var at = DateTimeOffset.UtcNow;
                simulator.Faults.BreakDataPlane(id);
                _ledger.Hit(id, DataPlaneFault.VWireBroken, at, wiring.Endpoint);
                broken.Add(index);
            }
        }

        _ledger.Injected("data-plane break", broken.Count);
        _cluster.Note($"broke {broken.Count} vWires ({string.Join(", ", broken)}); the others were healing already");
    }

    private void StartClosing(IReadOnlyList<int> connections)
    {
        foreach (var id in connections.Select(index => _ids[index]))
        {
            _ledger.Closing(id);
            _ledger.Injected("NSC close");
            _background.Add(CloseAsync(id));
        }
    }

    /// <summary>As an NSC does: asks again until the grain says Closed (a call may meet a dead silo or Redis down).</summary>
    private async Task CloseAsync(string id)
    {
        var grain = _cluster.Client.GetGrain<IConnectionGrain>(id);
        await Eventually.True(
            async () =>
            {
                try
                {
                    await grain.Close().WaitAsync(TimeSpan.FromSeconds(10));
                    return (await grain.GetState().WaitAsync(TimeSpan.FromSeconds(5))).Phase == ConnectionPhase.Closed;
                }
                // A dead silo, Redis down (the grain says its Close could not be stored and nothing changed): ask again.
                catch (Exception e) when (e is OrleansException or TimeoutException or InvalidOperationException)
                {
                    return false;
                }
            },
            $"the NSC's close of {id} to be done", CloseTimeout);
        _ledger.Closed(id);
    }

    private Task Track(Task background)
    {
        _background.Add(background);
        return Task.CompletedTask;
    }

    private static Task Done(Action action)
    {
        action();
        return Task.CompletedTask;
    }
}
