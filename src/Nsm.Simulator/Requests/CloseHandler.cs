using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Requests;

/// <summary>
/// A Close at an NSMgr. It follows the NSMgr's memory, or, when the NSMgr lost it in a restart, the
/// endpoint the Close names, as upstream routes a Close along its path. Closing an unknown id succeeds
/// (Close is idempotent) and is still recorded.
/// </summary>
internal sealed class CloseHandler(SimulationState state, ConnectionRelease release)
{
    public void Handle(string nsmgr, Connection connection, CallerCredentials caller)
    {
        lock (state.Gate)
        {
            try
            {
                var entry = state.NsmgrNamed(nsmgr);
                entry.EnsureUp();
                if (state.Identities is { } identities)
                {
                    TokenPolicies.Authorize(identities, nsmgr, caller);
                }

                RequestValidator.ValidateClose(connection);
                entry.Owners.Remove(connection.Id);
                var wire = entry.Connections.GetValueOrDefault(connection.Id)?.Wire ?? WireNamedBy(connection);
                if (wire is not null)
                {
                    release.Release(wire, CloseReason.Client, nsmgr);
                    return;
                }

                state.Records.Add(new CloseRecord(
                    state.Time.GetUtcNow(), nsmgr, connection.Id, null, [], CloseReason.Client, StatusCode.OK, null));
                SimulatorLog.ConnectionClosed(state.Logger, nsmgr, connection.Id, null, CloseReason.Client);
            }
            catch (RpcException e)
            {
                state.Records.Add(new CloseRecord(
                    state.Time.GetUtcNow(), nsmgr, connection.Id, null, [], CloseReason.Client, e.StatusCode, e.Status.Detail));
                SimulatorLog.CloseFailed(state.Logger, nsmgr, connection.Id, e.StatusCode, e.Status.Detail);
                throw;
            }
        }
    }

    private Wire? WireNamedBy(Connection connection) =>
        connection.NetworkServiceEndpointName.Length > 0
            ? state.Fabric.WireAt(connection.Id, connection.NetworkServiceEndpointName)
            : state.Fabric.CurrentWire(connection.Id);
}
