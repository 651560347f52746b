using Nsm.Api;

namespace Nsm.Healing.Decisions;

/// <summary>
/// Tells a monitor event about the connection we hold from a late one about a connection we already replaced:
/// the DELETE that follows our own Close during a reselect must not start another heal, even when the
/// reselect landed on the same NSE through the same forwarder.
/// </summary>
public static class MonitorEventRelevance
{
    /// <summary>The NSMgr's hop: it renews its segment's expiry on every Request it accepts.</summary>
    private const int NsmgrHop = 1;

    public static bool IsAboutCurrent(Connection? current, Connection? reported)
    {
        if (current is null || reported is null)
        {
            return current is not null;
        }

        return !Differs(current.NetworkServiceEndpointName, reported.NetworkServiceEndpointName)
            && !PathsDiverge(current.Path, reported.Path)
            && !IsOlderIncarnation(current.Path, reported.Path);
    }

    private static bool Differs(string a, string b) =>
        !string.IsNullOrEmpty(a) && !string.IsNullOrEmpty(b) && !string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>Another forwarder or NSE on the path (by name or segment id) means another connection.</summary>
    private static bool PathsDiverge(Api.Path? current, Api.Path? reported)
    {
        if (current is null || reported is null)
        {
            return false;
        }

        var hops = Math.Min(current.PathSegments.Count, reported.PathSegments.Count);
        for (var hop = 0; hop < hops; hop++)
        {
            var (mine, theirs) = (current.PathSegments[hop], reported.PathSegments[hop]);
            if (Differs(mine.Name, theirs.Name) || Differs(mine.Id, theirs.Id))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Same wiring, but issued before the Request that gave us our connection: it describes what we replaced.</summary>
    private static bool IsOlderIncarnation(Api.Path? current, Api.Path? reported)
    {
        var currentExpiry = NsmgrHopExpiry(current);
        var reportedExpiry = NsmgrHopExpiry(reported);
        return currentExpiry is not null && reportedExpiry is not null && reportedExpiry < currentExpiry;
    }

    private static DateTimeOffset? NsmgrHopExpiry(Api.Path? path) =>
        path is { PathSegments.Count: > NsmgrHop } && path.PathSegments[NsmgrHop].Expires is { } expires
            ? expires.ToDateTimeOffset()
            : null;
}
