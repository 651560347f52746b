using Nsm.Api;
using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.Monitor;

/// <summary>
/// A pass-through server whose downstream broke reports the connection DOWN upstream. Only NSMgrs before
/// the failed element on the path (lower index) notice; those past it still see a healthy downstream.
/// Callers hold the simulation gate.
/// </summary>
internal sealed class OutageNotifier(SimulationState state)
{
    public void ReportDown(Wire wire, int failedPathIndex)
    {
        foreach (var hop in wire.Nsmgrs)
        {
            if (hop.PathIndex >= failedPathIndex)
            {
                continue;
            }

            var nsmgr = state.Nsmgrs[hop.Name];
            if (nsmgr.Connections.TryGetValue(wire.ConnectionId, out var managed)
                && ReferenceEquals(managed.Wire, wire)
                && managed.State == State.Up)
            {
                managed.State = State.Down;
                nsmgr.Monitor.Publish(ConnectionEventType.Update, managed);
            }
        }
    }
}
