using System.Runtime.InteropServices;
using Grpc.Core;
using Nsm.Identity;
using Nsm.Api;
using Nsm.Simulator.Expiry;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Nsmgrs;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Requests;

/// <summary>
/// A Request at its entry NSMgr: check, route, then commit everything (reselect close, wiring, NSMgr
/// memory, UPDATE events) in one step under the gate. Every Request is recorded, failed ones too.
/// </summary>
internal sealed class RequestHandler(SimulationState state, RoutePlanner planner, ConnectionRelease release, ExpiryScheduler expiry)
{
    /// <param name="nscNamespace">The NSC's namespace (a kernel-mechanism Request over the unix socket), or null.</param>
    /// <param name="callerWaiting">Cancelled once the caller stopped waiting for the answer; recorded, the call is served all the same.</param>
    public Connection Handle(string nsmgr, NetworkServiceRequest request, CallerCredentials caller, SafeHandle? nscNamespace, CancellationToken callerWaiting = default)
    {
        var connectionId = request.Connection?.Id ?? string.Empty;
        var reselect = request.Connection?.State == State.ReselectRequested;
        lock (state.Gate)
        {
            try
            {
                var entry = state.NsmgrNamed(nsmgr);
                entry.EnsureUp();
                if (state.RequestFaults.ShouldFail(nsmgr))
                {
                    throw new RpcException(new Status(StatusCode.Unavailable, $"{nsmgr} failed the Request (injected failure)"));
                }

                var owner = state.Identities is { } identities ? TokenPolicies.Authorize(identities, nsmgr, caller) : null;
                RequestValidator.ValidateRequest(request);
                var known = entry.Connections.GetValueOrDefault(connectionId);
                var route = planner.Plan(entry, request.Connection!, known, reselect);
                var (connection, wire) = Commit(request, route, known, reselect, caller, nscNamespace);
                if (owner is not null)
                {
                    entry.Owners[connectionId] = owner;
                }

                state.Records.Add(new RequestRecord(
                    state.Time.GetUtcNow(), nsmgr, connectionId, route.Nse.Name, wire.ForwarderNames(), reselect, StatusCode.OK, null, callerWaiting.IsCancellationRequested));
                SimulatorLog.RequestAccepted(state.Logger, nsmgr, connectionId, route.Nse.Name, wire.ForwarderNames(), reselect);
                return connection;
            }
            catch (RpcException e)
            {
                state.Records.Add(new RequestRecord(
                    state.Time.GetUtcNow(), nsmgr, connectionId, null, [], reselect, e.StatusCode, e.Status.Detail, callerWaiting.IsCancellationRequested));
                SimulatorLog.RequestFailed(state.Logger, nsmgr, connectionId, e.StatusCode, e.Status.Detail);
                throw;
            }
        }
    }

    /// <summary>
    /// A connection made as if <paramref name="caller"/> had requested it, with no call, no check and no record: how a test
    /// plants a connection no client holds (an orphan of the healing service's, or a foreign one).
    /// </summary>
    public Connection Plant(string nsmgr, NetworkServiceRequest request, CallerCredentials caller)
    {
        lock (state.Gate)
        {
            var entry = state.NsmgrNamed(nsmgr);
            entry.EnsureUp();
            RequestValidator.ValidateRequest(request);
            var known = entry.Connections.GetValueOrDefault(request.Connection.Id);
            var route = planner.Plan(entry, request.Connection, known, reselect: false);
            var (connection, _) = Commit(request, route, known, reselect: false, caller, nscNamespace: null);
            SimulatorLog.ConnectionPlanted(state.Logger, nsmgr, request.Connection.Id, route.Nse.Name);
            return connection;
        }
    }

    private (Connection Connection, Wire Wire) Commit(
        NetworkServiceRequest request, Route route, ManagedConnection? known, bool reselect, CallerCredentials caller, SafeHandle? nscNamespace)
    {
        var connectionId = request.Connection.Id;
        if (reselect && known is not null)
        {
            release.Release(known.Wire, CloseReason.Reselect, route.Entry.Name);
        }

        var now = state.Time.GetUtcNow();
        var pathExpires = now + state.TokenLifetime;
        // As cmd-nsmgr: the caller's segment carries the token it sent and its expiry, and the connection is timed out
        // (closed along its path) when that token expires, if no refresh came first.
        var callerExpires = CallerTokenExpiry(caller, now) ?? pathExpires;
        var expires = callerExpires < pathExpires ? callerExpires : pathExpires;
        var previousNse = state.Fabric.CurrentWire(connectionId)?.Nse.Name;
        var wire = state.Fabric.Attach(
            connectionId, route.Entry.Name, route.NsmgrHops, route.WiredForwarders, route.WiredNse, expires, out var replaced);
        if (replaced is not null)
        {
            release.Supersede(replaced, wire);
        }

        if (previousNse is not null && previousNse != wire.Nse.Name)
        {
            RecordDuplicateIfHeldElsewhere(connectionId);
        }

        var addresses = route.Nse.AddressesFor(connectionId);
        var path = PathBuilder.Build(request.Connection.Path, route.HopNames, caller.Token, callerExpires, pathExpires, state.Identities);
        var connection = ConnectionResult.Build(request, path, route.Nse.Name, addresses);
        if (nscNamespace is not null)
        {
            ConnectKernel(wire, nscNamespace, connection.Mechanism, addresses);
        }

        foreach (var hop in wire.Nsmgrs)
        {
            var nsmgr = state.Nsmgrs[hop.Name];
            var managed = new ManagedConnection(connection, hop.PathIndex, wire);
            nsmgr.Connections[connectionId] = managed;
            nsmgr.Monitor.Publish(ConnectionEventType.Update, managed);
        }

        expiry.Track(wire);
        return (connection, wire);
    }

    /// <summary>The forwarder wires the veth pair before anyone hears of the connection; a refusal takes the wiring back.</summary>
    private void ConnectKernel(Wire wire, SafeHandle nscNamespace, Mechanism mechanism, AddressPair addresses)
    {
        try
        {
            state.Fabric.ConnectKernel(wire, nscNamespace, mechanism, addresses);
        }
        catch (RpcException)
        {
            state.Fabric.Detach(wire);
            throw;
        }
    }

    /// <summary>
    /// The expiry of the caller's token (metadata nsm-client-token-expires) on the simulation's clock: tokens are signed on
    /// the identity clock, so what carries over is how long the token has left. Null without security (nothing is checked).
    /// </summary>
    private DateTimeOffset? CallerTokenExpiry(CallerCredentials caller, DateTimeOffset now) =>
        state.Identities is { } identities && NsmTokens.TryParseExpiry(caller.TokenExpires, out var expires)
            ? now + (expires - identities.Security.IdentityTime.GetUtcNow())
            : null;

    /// <summary>
    /// Moving a connection to another NSE without closing it first leaves the old NSE holding its copy
    /// until expiry. That is recorded, not fixed: tests use it to catch clients that skip Close.
    /// </summary>
    private void RecordDuplicateIfHeldElsewhere(string connectionId)
    {
        var holders = state.Fabric.WiresOf(connectionId).Where(state.Fabric.IsHeldByNse).Select(w => w.Nse.Name).ToList();
        if (holders.Count > 1)
        {
            state.Records.Add(new DuplicateRecord(state.Time.GetUtcNow(), connectionId, holders));
            SimulatorLog.DuplicateDetected(state.Logger, connectionId, holders);
        }
    }
}
