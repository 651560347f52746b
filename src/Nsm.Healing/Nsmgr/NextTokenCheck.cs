using Nsm.Api;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The NSC's check of an answer (upstream <c>next_token_signed</c>, with <c>tokens_valid</c> and <c>tokens_chained</c>):
/// segment 1 must be signed by the NSMgr we hold a TLS connection to, and each segment's <c>aud</c> must contain the
/// next one's <c>sub</c>. Segment 1's <c>aud</c> is whatever that NSMgr sent downstream, so no fixed audience is expected.
/// </summary>
public static class NextTokenCheck
{
    /// <returns>Why the answer fails, or null when it passes.</returns>
    public static string? FindProblem(Connection answer, NsmgrPeers nsmgr)
    {
        var segments = answer.Path?.PathSegments;
        if (segments is null || segments.Count < 2)
        {
            return "the path has no segment for the NSMgr";
        }

        if (nsmgr.Signer(segments[1].Token) is null)
        {
            return $"segment 1 ('{segments[1].Name}') is not signed by the key of the NSMgr's TLS certificate";
        }

        var claims = new List<NsmTokenClaims>(segments.Count);
        for (var k = 0; k < segments.Count; k++)
        {
            if (NsmTokens.Read(segments[k].Token) is not { } read)
            {
                return $"segment {k} ('{segments[k].Name}') carries no valid token";
            }

            claims.Add(read);
        }

        for (var k = 0; k + 1 < claims.Count; k++)
        {
            if (!claims[k].Audiences.Contains(claims[k + 1].Subject))
            {
                return $"the token chain breaks between segment {k} ('{segments[k].Name}') and segment {k + 1} ('{segments[k + 1].Name}')";
            }
        }

        return null;
    }
}
