using Google.Protobuf.Collections;
using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Nsmgrs;

namespace Nsm.Simulator.Requests;

/// <summary>
/// Chooses the NSE and forwarders for a Request without changing anything, so a Request that cannot be
/// routed fails before any state is touched.
/// </summary>
internal sealed class RoutePlanner(SimulationState state)
{
    public Route Plan(Nsmgr entry, Connection connection, ManagedConnection? known, bool reselect)
    {
        var previous = PreviousRoute.Of(known, connection);
        var nse = ChooseNse(entry, connection, known, reselect, previous.Nse);
        if (!nse.CanAddress(connection.Id))
        {
            throw Fail(StatusCode.ResourceExhausted, $"endpoint '{nse.Name}' has no free addresses");
        }

        var segments = connection.Path.PathSegments;
        var entryForwarder = ChooseForwarder(entry.Node, segments, Route.EntryForwarderIndex, reselect, previous.EntryForwarder);
        if (nse.Node == entry.Node)
        {
            return new Route(entry, entryForwarder, null, null, nse);
        }

        var remote = state.NsmgrOnNode(nse.Node);
        remote.EnsureUp();
        var remoteForwarder = ChooseForwarder(remote.Node, segments, Route.RemoteForwarderIndex, reselect, previous.RemoteForwarder);
        return new Route(entry, entryForwarder, remote, remoteForwarder, nse);
    }

    /// <summary>
    /// By name when the Request names an endpoint (a restore); otherwise any alive NSE for the service,
    /// local ones first. A refresh of a known connection stays on its NSE; a reselect prefers another one.
    /// </summary>
    private Nse ChooseNse(Nsmgr entry, Connection connection, ManagedConnection? known, bool reselect, string? previousNse)
    {
        var service = connection.NetworkService;
        if (connection.NetworkServiceEndpointName.Length > 0)
        {
            var name = connection.NetworkServiceEndpointName;
            var named = state.Fabric.FindNse(name);
            if (named is not { Alive: true })
            {
                throw Fail(StatusCode.NotFound, $"endpoint '{name}' is not registered");
            }

            return named.Serves(service)
                ? named
                : throw Fail(StatusCode.NotFound, $"endpoint '{name}' does not serve network service '{service}'");
        }

        if (!state.Fabric.HasEverServed(service))
        {
            throw Fail(StatusCode.NotFound, $"network service '{service}' has no registered endpoint");
        }

        var candidates = state.Fabric.AliveNsesFor(service).OrderBy(nse => nse.Node == entry.Node ? 0 : 1).ToList();
        if (candidates.Count == 0)
        {
            throw Fail(StatusCode.Unavailable, $"network service '{service}' has no alive endpoint");
        }

        if (reselect)
        {
            return candidates.Find(nse => nse.Name != previousNse) ?? candidates[0];
        }

        return candidates.Find(nse => nse.Name == known?.Wire.Nse.Name) ?? candidates[0];
    }

    /// <summary>
    /// The forwarder named in the path at its index when it is alive (a restore keeps it); on a reselect an
    /// alive one other than the previous when there is one; otherwise the node's first alive forwarder.
    /// </summary>
    private Forwarder ChooseForwarder(string node, RepeatedField<PathSegment> segments, int index, bool reselect, string? previous)
    {
        var alive = state.Fabric.AliveForwardersOn(node).ToList();
        if (alive.Count == 0)
        {
            throw Fail(StatusCode.Unavailable, $"no alive forwarder on node '{node}'");
        }

        var preferred = reselect
            ? alive.Find(forwarder => forwarder.Name != previous)
            : alive.Find(forwarder => forwarder.Name == NameAt(segments, index));
        return preferred ?? alive[0];
    }

    private static string? NameAt(RepeatedField<PathSegment> segments, int index) =>
        index < segments.Count ? segments[index].Name : null;

    private static RpcException Fail(StatusCode code, string message) => new(new Status(code, message));

    /// <summary>What the connection used before: the NSMgr's own memory if it has any, else the path the NSC sent.</summary>
    private readonly record struct PreviousRoute(string? Nse, string? EntryForwarder, string? RemoteForwarder)
    {
        public static PreviousRoute Of(ManagedConnection? known, Connection connection)
        {
            if (known is not null)
            {
                var wire = known.Wire;
                return new(wire.Nse.Name, wire.Forwarders[0].Name, wire.Forwarders.Count > 1 ? wire.Forwarders[1].Name : null);
            }

            var segments = connection.Path.PathSegments;
            var nse = connection.NetworkServiceEndpointName.Length > 0
                ? connection.NetworkServiceEndpointName
                : segments.Count > Route.EntryForwarderIndex + 1 ? segments[^1].Name : null;
            var remoteForwarder = segments.Count > Route.RemoteForwarderIndex + 1 ? NameAt(segments, Route.RemoteForwarderIndex) : null;
            return new(nse, NameAt(segments, Route.EntryForwarderIndex), remoteForwarder);
        }
    }
}
