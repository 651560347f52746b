namespace Nsm.Healing.Nsmgr;

/// <summary>The token sent with one call and its expiry. A token is a secret: it goes on the wire, never into a log line.</summary>
public sealed record NsmToken(string Value, DateTimeOffset Expires)
{
    public override string ToString() => $"NsmToken(expires {Expires:O})";
}
