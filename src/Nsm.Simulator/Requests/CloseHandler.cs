using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Requests;

/// <summary>
/// A Close at an NSMgr follows the NSMgr's memory. Closing an id it does not know succeeds and passes nothing on, as
/// upstream's begin element answers a Close it has no connection for: after a restart, whatever lies behind the NSMgr
/// keeps the connection until its token expires. Every Close is recorded.
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
                if (entry.ClosesToLose > 0)
                {
                    entry.ClosesToLose--;
                    state.Records.Add(new CloseRecord(state.Time.GetUtcNow(), nsmgr, connection.Id, null, [], CloseReason.Lost, StatusCode.OK, null));
                    SimulatorLog.ConnectionClosed(state.Logger, nsmgr, connection.Id, null, CloseReason.Lost);
                    return;
                }

                entry.Owners.Remove(connection.Id);
                var wire = entry.Connections.GetValueOrDefault(connection.Id)?.Wire;
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
}
