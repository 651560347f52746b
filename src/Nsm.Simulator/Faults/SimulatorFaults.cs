using Nsm.Api;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Nsmgrs;

namespace Nsm.Simulator.Faults;

/// <summary>
/// Fault injection, the same operations the control surface exposes over HTTP. Unknown names throw
/// <see cref="KeyNotFoundException"/>; bad arguments throw <see cref="ArgumentException"/>.
/// </summary>
public sealed class SimulatorFaults
{
    private readonly SimulationState _state;
    private readonly NsmgrLifecycle _nsmgrs;
    private readonly FabricFaults _fabric;

    internal SimulatorFaults(SimulationState state, NsmgrLifecycle nsmgrs, FabricFaults fabric)
    {
        _state = state;
        _nsmgrs = nsmgrs;
        _fabric = fabric;
    }

    /// <summary>
    /// Takes the NSMgr down at once (streams end Unavailable, memory lost, calls fail Unavailable, health
    /// NOT_SERVING; fabric wiring stays) and brings it back after <paramref name="downtime"/> on the
    /// simulator's clock. The returned task completes when it is back; with a fake clock, advance it.
    /// </summary>
    public Task RestartNsmgrAsync(string nsmgr, TimeSpan downtime)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(downtime, TimeSpan.Zero);
        return _nsmgrs.Restart(nsmgr, downtime);
    }

    /// <summary>Takes the NSMgr down, as a restart does, until <see cref="StartNsmgr"/>.</summary>
    public void StopNsmgr(string nsmgr) => _nsmgrs.Stop(nsmgr, "stopped");

    public void StartNsmgr(string nsmgr) => _nsmgrs.Start(nsmgr);

    /// <summary>Its connections go DOWN upstream and lose their data plane.</summary>
    public void KillForwarder(string forwarder) => _fabric.KillForwarder(forwarder);

    /// <summary>Kill, then alive again with a new incarnation: old wiring is gone until re-requested.</summary>
    public void RestartForwarder(string forwarder) => _fabric.RestartForwarder(forwarder);

    /// <summary>Unregisters and kills the NSE; with a replacement name, a new NSE serving the same services joins its node.</summary>
    public void KillNse(string nse, string? replacementName = null)
    {
        if (replacementName is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(replacementName);
        }

        _fabric.KillNse(nse, replacementName);
    }

    /// <summary>Only this connection's data plane goes down, and no event says so.</summary>
    public void BreakDataPlane(string connectionId) => _fabric.BreakDataPlane(connectionId);

    /// <summary>Delays every Request at one NSMgr, or all when <paramref name="nsmgr"/> is null, on the simulator's clock.</summary>
    public void SetRequestLatency(TimeSpan latency, string? nsmgr = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latency, TimeSpan.Zero);
        _state.RequestFaults.SetLatency(latency, nsmgr);
        SimulatorLog.RequestLatencySet(_state.Logger, latency, nsmgr ?? "every nsmgr");
    }

    /// <summary>Fails each Request with Unavailable with this probability; a seed makes the sequence reproducible.</summary>
    public void SetRequestFailureProbability(double probability, int? seed = null, string? nsmgr = null)
    {
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "probability must be between 0 and 1");
        }

        _state.RequestFaults.SetFailureProbability(probability, seed, nsmgr);
        SimulatorLog.RequestFailureProbabilitySet(_state.Logger, probability, seed, nsmgr ?? "every nsmgr");
    }

    /// <summary>
    /// Sends <paramref name="connectionEvent"/> as it is on every monitor stream of the NSMgr, bypassing the model:
    /// events for unknown ids, entries without a path, anything a misbehaving NSMgr could send.
    /// </summary>
    public void InjectMonitorEvent(string nsmgr, ConnectionEvent connectionEvent)
    {
        ArgumentNullException.ThrowIfNull(connectionEvent);
        lock (_state.Gate)
        {
            _state.NsmgrNamed(nsmgr).Monitor.SendRaw(connectionEvent);
        }
    }

    /// <summary>The next <paramref name="count"/> UPDATE/DELETE events of this NSMgr reach none of its streams.</summary>
    public void DropNextMonitorEvents(string nsmgr, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _state.NsmgrNamed(nsmgr).Monitor.DropNext(count);
        SimulatorLog.MonitorEventsDropScheduled(_state.Logger, nsmgr, count);
    }

    /// <summary>The next <paramref name="count"/> client Closes at this NSMgr are answered with success and lost: nothing is released.</summary>
    public void LoseNextCloses(string nsmgr, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        lock (_state.Gate)
        {
            _state.NsmgrNamed(nsmgr).ClosesToLose = count;
        }

        SimulatorLog.ClosesLossScheduled(_state.Logger, nsmgr, count);
    }
}
