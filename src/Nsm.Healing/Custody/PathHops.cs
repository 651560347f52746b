using Nsm.Api;

namespace Nsm.Healing.Custody;

/// <summary>
/// The hops a connection's path names. From the NSC's side the path alternates: the NSC (0), its NSMgr (1), a forwarder
/// (2), and, when the NSE is on another node, that node's NSMgr (3) and forwarder (4); the NSE is last.
/// </summary>
public static class PathHops
{
    public static string? Nse(Connection? connection) =>
        connection is null ? null
        : connection.NetworkServiceEndpointName.Length > 0 ? connection.NetworkServiceEndpointName
        : connection.Path?.PathSegments.Count > 2 ? connection.Path.PathSegments[^1].Name : null;

    /// <summary>The forwarders: the segments at even positions from 2, short of the last (the NSE).</summary>
    public static IReadOnlyList<string> Forwarders(Connection? connection)
    {
        var segments = connection?.Path?.PathSegments;
        if (segments is null)
        {
            return [];
        }

        var forwarders = new List<string>(2);
        for (var i = 2; i < segments.Count - 1; i += 2)
        {
            if (segments[i].Name.Length > 0)
            {
                forwarders.Add(segments[i].Name);
            }
        }

        return forwarders;
    }
}
