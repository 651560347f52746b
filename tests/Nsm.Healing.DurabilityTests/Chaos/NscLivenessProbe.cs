using System.Collections.Concurrent;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Simulator;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// The NSCs' liveness checks, done the way Nsm.Healing.Client's LivenessReporter does them (and the crash tests'
/// <c>HealsInFlight</c> does by hand): each connection's verdict every second, a changed verdict reported to its grain at
/// once and an unchanged one again every 10 s, each report naming the Connection the grain holds so that a verdict about
/// a Connection a heal already replaced is ignored. This is how the service learns of a vWire that broke without any
/// event. The verdict is the simulator's data-plane truth (<see cref="Start"/>) or, in the kernel variant, a ping from
/// inside the NSC's namespace (<see cref="StartPinging"/>).
/// </summary>
public sealed class NscLivenessProbe : IAsyncDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReaffirmInterval = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(5);

    // What each NSC last told its grain, when, and about which Connection.
    private readonly ConcurrentDictionary<string, (DataPlaneVerdict Verdict, DateTimeOffset At, Connection? Connection)> _reported = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly IClusterClient _client;
    private readonly Verdict _truth;
    private readonly IReadOnlyList<string> _ids;
    private readonly ChaosLedger _ledger;
    private Task _loop = Task.CompletedTask;
    private int _downReports;
    private int _failedCalls;
    private int _unknownVerdicts;
    private string? _lastUnknown;

    private NscLivenessProbe(IClusterClient client, Verdict truth, IReadOnlyList<string> ids, ChaosLedger ledger)
    {
        _client = client;
        _truth = truth;
        _ids = ids;
        _ledger = ledger;
    }

    /// <summary>An NSC's verdict on a connection's vWire; <paramref name="connection"/> is null before the grain was first read.</summary>
    private delegate Task<LivenessResult> Verdict(string id, Connection? connection, CancellationToken cancellationToken);

    public int DownReports => _downReports;

    /// <summary>Checks or reports that did not get through (a dead silo, Redis down): the NSC tries again next time.</summary>
    public int FailedCalls => _failedCalls;

    /// <summary>Checks that could say nothing of the vWire (a ping that could not be sent): never reported, as the client's reporter does.</summary>
    public int UnknownVerdicts => _unknownVerdicts;

    /// <summary>Why the last check that could say nothing could not, or null when none.</summary>
    public string? LastUnknownReason => _lastUnknown;

    /// <summary>Each NSC asks the simulator whether its vWire carries traffic.</summary>
    public static NscLivenessProbe Start(IClusterClient client, NsmSimulator simulator, IReadOnlyList<string> ids, ChaosLedger ledger) =>
        Start(new NscLivenessProbe(
            client,
            (id, _, _) => Task.FromResult(simulator.IsDataPlaneUp(id) ? LivenessResult.Up("the simulator's truth") : LivenessResult.Down("the simulator's truth")),
            ids,
            ledger));

    /// <summary>
    /// Each NSC pings its Connection's NSE-side address from inside its own namespace; the Connection last reported on
    /// first, then, when that says something new, the one the grain holds now.
    /// </summary>
    public static NscLivenessProbe StartPinging(IClusterClient client, KernelNscs nscs, IReadOnlyList<string> ids, ChaosLedger ledger) =>
        Start(new NscLivenessProbe(
            client,
            (id, connection, cancellation) => connection is null ? Task.FromResult(LivenessResult.Unknown("no Connection read yet")) : nscs.PingAsync(id, connection, cancellation),
            ids,
            ledger));

    private static NscLivenessProbe Start(NscLivenessProbe probe)
    {
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
        try
        {
            var reported = _reported.TryGetValue(id, out var last);
            var verdict = (await _truth(id, last.Connection, stopping)).Verdict;
            if (reported && last.Verdict == verdict && now - last.At < ReaffirmInterval)
            {
                return;
            }

            var grain = _client.GetGrain<IConnectionGrain>(id);
            var snapshot = await grain.GetState().WaitAsync(CallTimeout, stopping);
            if (snapshot.Phase is not (ConnectionPhase.Up or ConnectionPhase.Healing) || _ledger.IsClosing(id))
            {
                return;
            }

            // Checked again after reading the grain's Connection: a verdict older than the Connection it names could
            // blame a vWire a heal has just replaced.
            var result = await _truth(id, snapshot.Connection, stopping);
            verdict = result.Verdict;
            if (verdict == DataPlaneVerdict.Unknown)
            {
                Interlocked.Increment(ref _unknownVerdicts);
                _lastUnknown = $"{id}: {result.Reason}";
                return;
            }

            await grain.ReportDataPlane(verdict, snapshot.Connection).WaitAsync(CallTimeout, stopping);
            _reported[id] = (verdict, now, snapshot.Connection);
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

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
