using Google.Protobuf.WellKnownTypes;
using Nsm.Api;
using Nsm.Simulator.Identity;

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
    /// <param name="clientExpires">When the NSC's token expires (its metadata), written into its segment as upstream does.</param>
    /// <param name="expires">When the hops' own tokens expire.</param>
    /// <param name="identities">Signs each hop's segment as that hop would; null (plaintext) writes opaque tokens.</param>
    public static Path Build(
        Path requested, IReadOnlyList<string> hops, string? clientToken, DateTimeOffset clientExpires, DateTimeOffset expires, ElementIdentities? identities)
    {
        var expiresAt = Timestamp.FromDateTimeOffset(expires);
        var path = new Path { Index = 0 };
        var nsc = requested.PathSegments[0].Clone();
        nsc.Token = clientToken ?? NewToken();
        nsc.Expires = Timestamp.FromDateTimeOffset(clientExpires);
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
                Token = identities is null ? NewToken() : identities.SignSegment(hops[hop], AudienceOf(hops, hop)),
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

    /// <summary>An opaque token for a plaintext simulator, which authorizes nothing.</summary>
    private static string NewToken() => $"sim-{Guid.NewGuid():N}";

    /// <summary>
    /// In a returned path each hop's token is the one it sent downstream (the next hop overwrote it from the metadata),
    /// so its aud is the next hop; the last hop signed its own segment for its caller.
    /// </summary>
    private static string AudienceOf(IReadOnlyList<string> hops, int hop) => hop + 1 < hops.Count ? hops[hop + 1] : hops[hop - 1];
}
