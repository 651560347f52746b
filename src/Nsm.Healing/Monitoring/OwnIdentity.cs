using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Identity;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// How a connection in an NSMgr's snapshot is recognised as ours: the NSMgr writes the token its caller sent into the
/// caller's path segment (segment 0), so a connection we requested carries our SPIFFE ID as that token's <c>sub</c>.
/// Ours: this silo's own SPIFFE ID and any listed in <see cref="MonitorOptions.OwnSpiffeIds"/> (silos of other nodes that
/// run under other IDs). Without an identity (plaintext) nothing is recognised, so nothing is ever touched.
/// </summary>
public sealed class OwnIdentity(IX509SvidSource identity, IOptions<MonitorOptions> options)
{
    /// <summary>A test for "ours" over raw snapshot entries, or null when no identity is known (the audit is off).</summary>
    public Func<Connection, bool>? Matcher()
    {
        if (!options.Value.AuditOrphans)
        {
            return null;
        }

        var subjects = new List<string>(options.Value.OwnSpiffeIds);
        try
        {
            subjects.Add(identity.Current.Id.ToString());
        }
        catch (IdentityUnavailableException)
        {
            // Plaintext, or the Workload API is down: only the configured IDs count.
        }

        if (subjects.Count == 0)
        {
            return null;
        }

        var encoded = TokenSubject.Encode(subjects);
        return connection => IsOurs(connection, encoded);
    }

    public static bool IsOurs(Connection connection, byte[][] subjects) =>
        connection.Path is { PathSegments: [{ Token: { Length: > 0 } token }, ..] } && TokenSubject.IsOneOf(token, subjects);
}
