using System.Collections.Concurrent;
using Nsm.Simulator;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// The NSCs' liveness checks, done the way Nsm.Healing.Client's LivenessReporter does them against the simulator (and the
/// crash tests' <c>HealsInFlight</c> does by hand): each connection's data-plane truth every second, a changed verdict
/// reported to its grain at once and an unchanged one again every 10 s, each report naming the Connection the grain
/// holds so that a verdict about a Connection a heal already replaced is ignored. This is how the service learns of a
/// vWire that broke without any event.
/// </summary>
public sealed class NscLivenessProbe : IAsyncDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReaffirmInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    // What each NSC last told its grain, and when.
    private readonly ConcurrentDictionary<string, (DataPlaneVerdict Verdict, DateTimeOffset At)> _reported = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IClusterClient _client;
    private readonly NsmSimulator _simulator;
    private readonly IReadOnlyList<string> _ids;
    private readonly ChaosLedger _ledger;
    private Task _loop = Task.CompletedTask;
    private int _downReports;
    private int _failedCalls;

    private NscLivenessProbe(IClusterClient client, NsmSimulator simulator, IReadOnlyList<string> ids, ChaosLedger ledger)
    {
        _client = client;
        _simulator = simulator;
        _ids = ids;
        _ledger = ledger;
    }

    public int DownReports => _downReports;

    /// <summary>Checks or reports that did not get through (a dead silo, Redis down): the NSC tries again next time.</summary>
    public int FailedCalls => _failedCalls;

    public static NscLivenessProbe Start(IClusterClient client, NsmSimulator simulator, IReadOnlyList<string> ids, ChaosLedger ledger)
    {
        var probe = new NscLivenessProbe(client, simulator, ids, ledger);
        probe._loop = Task.Run(probe.RunAsync);
        return probe;
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(CheckInterval);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = _stopping.Token };
        try
        {
            do
            {
                await Parallel.ForEachAsync(_ids.Where(id => !_ledger.IsClosing(id)), parallel, CheckAsync);
            }
            while (await timer.WaitForNextTickAsync(_stopping.Token));
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private async ValueTask CheckAsync(string id, CancellationToken stopping)
    {
        var now = DateTimeOffset.UtcNow;
        var verdict = Truth(id);
        if (_reported.TryGetValue(id, out var last) && last.Verdict == verdict && now - last.At < ReaffirmInterval)
        {
            return;
        }

        try
        {
            var grain = _client.GetGrain<IConnectionGrain>(id);
            var snapshot = await grain.GetState().WaitAsync(CallTimeout, stopping);
            if (snapshot.Phase is not (ConnectionPhase.Up or ConnectionPhase.Healing) || _ledger.IsClosing(id))
            {
                return;
            }

            // Checked again after reading the grain's Connection: a verdict older than the Connection it names could
            // blame a vWire a heal has just replaced.
            verdict = Truth(id);
            await grain.ReportDataPlane(verdict, snapshot.Connection).WaitAsync(CallTimeout, stopping);
            _reported[id] = (verdict, now);
            if (verdict == DataPlaneVerdict.Down)
            {
                Interlocked.Increment(ref _downReports);
            }
        }
        catch (Exception) when (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failedCalls);
        }
    }

    private DataPlaneVerdict Truth(string id) => _simulator.IsDataPlaneUp(id) ? DataPlaneVerdict.Up : DataPlaneVerdict.Down;

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
