namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The caller's token for an NSMgr, sent as gRPC metadata <c>nsm-client-token</c> (and its expiry as
/// <c>nsm-client-token-expires</c>), as upstream NSCs do. In production this is a JWT signed with the SPIFFE SVID.
/// </summary>
public interface INsmTokenProvider
{
    /// <returns>The token and its expiry, or null to send none.</returns>
    NsmToken? GetToken(string nsmgrAddress);
}

/// <summary>A token is a secret: it goes on the wire, never into a log line.</summary>
public sealed record NsmToken(string Value, DateTimeOffset Expires)
{
    public override string ToString() => $"NsmToken(expires {Expires:O})";
}
