using Google.Protobuf.Collections;
using Nsm.Api;

namespace Nsm.Simulator.Monitor;

/// <summary>Upstream's MonitorScopeSelector rules (see nsm-wire.md, "Scope selector matching").</summary>
internal static class ScopeSelectorMatcher
{
    public static bool Matches(MonitorScopeSelector selector, Connection connection) =>
        MatchesNetworkService(selector.NetworkServices, connection.NetworkService)
        && MatchesPath(selector.PathSegments, connection.Path?.PathSegments);

    private static bool MatchesNetworkService(RepeatedField<string> wanted, string networkService) =>
        wanted.Count == 0 || wanted.Contains(networkService);

    /// <summary>The selector's segments must match a contiguous run of the path's segments.</summary>
    private static bool MatchesPath(RepeatedField<PathSegment> wanted, RepeatedField<PathSegment>? path)
    {
        if (wanted.Count == 0)
        {
            return true;
        }

        if (path is null)
        {
            return false;
        }

        for (var start = 0; start + wanted.Count <= path.Count; start++)
        {
            if (RunMatches(wanted, path, start))
            {
                return true;
            }
        }

        return false;
    }

    private static bool RunMatches(RepeatedField<PathSegment> wanted, RepeatedField<PathSegment> path, int start)
    {
        for (var i = 0; i < wanted.Count; i++)
        {
            if (!SegmentMatches(wanted[i], path[start + i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>An empty name, id or token in the selector is a wildcard.</summary>
    private static bool SegmentMatches(PathSegment wanted, PathSegment actual) =>
        (wanted.Name.Length == 0 || wanted.Name == actual.Name)
        && (wanted.Id.Length == 0 || wanted.Id == actual.Id)
        && (wanted.Token.Length == 0 || wanted.Token == actual.Token);
}
