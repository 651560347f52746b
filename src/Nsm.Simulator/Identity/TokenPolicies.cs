using Grpc.Core;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>
/// cmd-nsmgr's OPA policies for Request and Close, on the left side of the path at the entry NSMgr (segments 0..1):
/// the caller's token from the metadata sits in segment 0, the NSMgr's own (sub = itself, aud = [caller]) in segment 1.
/// A refusal is <see cref="StatusCode.PermissionDenied"/>, as upstream's authorize element answers, naming the policy.
/// </summary>
internal static class TokenPolicies
{
    /// <returns>The caller's SPIFFE ID (the owner of the connection).</returns>
    public static SpiffeId Authorize(ElementIdentities identities, string nsmgr, CallerCredentials caller)
    {
        var now = identities.Security.IdentityTime.GetUtcNow();
        var own = identities.IdOf(nsmgr);
        if (caller.Certificate is null || caller.Id is not { } callerId)
        {
            throw Denied("prev_token_signed", "the call came without a SPIFFE client certificate");
        }

        // tokens_valid: every token on the left side decodes as a JWT. Segment 1 is the NSMgr's own, freshly signed.
        if (NsmTokens.Read(caller.Token) is not { } claims)
        {
            throw Denied("tokens_valid", "the caller's token (metadata nsm-client-token) is missing or not a JWT with sub, aud and exp");
        }

        // tokens_expired: the NSMgr's own token is fresh; the caller's must not be past its exp.
        if (claims.Expires < now)
        {
            throw Denied("tokens_expired", $"the caller's token expired at {claims.Expires:O}");
        }

        // tokens_chained: aud of segment 0 must contain sub of segment 1, which is this NSMgr.
        if (!claims.Audiences.Contains(own.ToString()))
        {
            throw Denied("tokens_chained", $"the caller's token is for [{string.Join(", ", claims.Audiences)}], not {own}");
        }

        // prev_token_signed: segment 0 verifies against the key of the caller's TLS certificate.
        if (!NsmTokens.IsSignedBy(caller.Token, caller.Certificate))
        {
            throw Denied("prev_token_signed", $"the caller's token is not signed by the key of its TLS certificate ({callerId})");
        }

        return callerId;
    }

    /// <summary>
    /// monitor/service_connection.rego: the selector's path-segment ids must include one the caller owns.
    /// </summary>
    public static void AuthorizeMonitor(IEnumerable<string> selectorIds, SpiffeId? caller, IReadOnlyDictionary<string, SpiffeId> owners)
    {
        if (caller is null || !selectorIds.Any(id => owners.TryGetValue(id, out var owner) && owner == caller))
        {
            throw Denied("service_connection", $"{caller?.ToString() ?? "the caller"} owns none of the connections the selector names");
        }
    }

    private static RpcException Denied(string policy, string why) =>
        new(new Status(StatusCode.PermissionDenied, $"no sufficient privileges: policy {policy}: {why}"));
}
