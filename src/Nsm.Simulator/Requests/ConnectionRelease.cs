using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Requests;

/// <summary>
/// Closing a connection's wiring, the same way for a client Close, a token expiry and a reselect: release
/// it at the forwarders and NSE, send DELETE from every NSMgr that knows it through this wiring, record it.
/// Callers hold the simulation gate.
/// </summary>
internal sealed class ConnectionRelease(SimulationState state)
{
    /// <param name="nsmgr">The NSMgr the Close is recorded against.</param>
    public void Release(Wire wire, CloseReason reason, string nsmgr)
    {
        state.Fabric.Detach(wire);
        Forget(wire, wire.Nsmgrs);

        state.Records.Add(new CloseRecord(
            state.Time.GetUtcNow(), nsmgr, wire.ConnectionId, wire.Nse.Name, wire.ForwarderNames(), reason, StatusCode.OK, null));
        SimulatorLog.ConnectionClosed(state.Logger, nsmgr, wire.ConnectionId, wire.Nse.Name, reason);
    }

    /// <summary>
    /// The NSE re-wired this connection along another path (e.g. it was requested through another NSMgr).
    /// NSMgrs only on the old path would otherwise remember wiring that no longer exists, forever.
    /// </summary>
    public void Supersede(Wire replaced, Wire replacement) =>
        Forget(replaced, [.. replaced.Nsmgrs.Where(old => !replacement.Nsmgrs.Any(hop => hop.Name == old.Name))]);

    /// <summary>NSMgrs that know the connection through this wiring drop it and send DELETE.</summary>
    private void Forget(Wire wire, IEnumerable<NsmgrHop> hops)
    {
        foreach (var hop in hops)
        {
            var holder = state.Nsmgrs[hop.Name];
            if (holder.Connections.TryGetValue(wire.ConnectionId, out var managed) && ReferenceEquals(managed.Wire, wire))
            {
                holder.Connections.Remove(wire.ConnectionId);
                holder.Monitor.Publish(ConnectionEventType.Delete, managed);
            }
        }
    }
}
