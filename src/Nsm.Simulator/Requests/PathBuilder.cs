using Google.Protobuf.WellKnownTypes;
using Nsm.Api;

namespace Nsm.Simulator.Requests;

/// <summary>
/// Builds the path as the NSC sees it after a Request, following upstream's updatepath: each hop keeps
/// its segment id when a segment with its name already sits at its index and every earlier hop matched,
/// so a restore along the same path keeps the same ids; from the first mismatch on, hops get new ids.
/// </summary>
internal static class PathBuilder
{
    /// <param name="requested">The path the NSC sent; segment 0 is the NSC's.</param>
    /// <param name="hops">Server names from path index 1 on (NSMgr, forwarder, …, NSE).</param>
    /// <param name="clientToken">The NSC's token from gRPC metadata, or null to generate one.</param>
    public static Path Build(Path requested, IReadOnlyList<string> hops, string? clientToken, DateTimeOffset expires)
    {
        var expiresAt = Timestamp.FromDateTimeOffset(expires);
        var path = new Path { Index = 0 };
        var nsc = requested.PathSegments[0].Clone();
        nsc.Token = clientToken ?? NewToken();
        nsc.Expires = expiresAt;
        path.PathSegments.Add(nsc);

        var samePrefix = true;
        for (var hop = 0; hop < hops.Count; hop++)
        {
            var index = hop + 1;
            var previous = samePrefix && index < requested.PathSegments.Count && requested.PathSegments[index].Name == hops[hop]
                ? requested.PathSegments[index]
                : null;
            samePrefix = previous is not null;
            var segment = new PathSegment
            {
                Name = hops[hop],
                Id = previous?.Id ?? Guid.NewGuid().ToString(),
                Token = NewToken(),
                Expires = expiresAt,
            };
            if (previous is not null)
            {
                segment.Metrics.Add(previous.Metrics);
            }

            path.PathSegments.Add(segment);
        }

        return path;
    }

    /// <summary>An opaque token; upstream signs JWTs, which only matters under mTLS, which the simulator does not speak.</summary>
    private static string NewToken() => $"sim-{Guid.NewGuid():N}";
}
