using System.Collections.Concurrent;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>
/// The SVID of every simulated element (NSMgrs, forwarders, NSEs), issued on first use as SPIRE would for each pod.
/// An NSMgr's SVID is both its TLS server certificate and the key its path segment is signed with.
/// </summary>
internal sealed class ElementIdentities(SimulatorSecurity security)
{
    private readonly ConcurrentDictionary<string, X509Svid> _svids = new(StringComparer.Ordinal);
    private readonly SpiffeAuthority _authority = security.Authority ?? throw new ArgumentException("plaintext simulators have no identities", nameof(security));

    public SimulatorSecurity Security => security;

    public SpiffeId IdOf(string element) => _authority.IdOf("/nsm/" + element);

    public X509Svid Of(string element) => _svids.GetOrAdd(element, name => _authority.Issue(IdOf(name), security.ElementSvidLifetime));

    /// <summary>Issues the element a new SVID (a rotation, or one about to expire); new TLS connections get it.</summary>
    public X509Svid Renew(string element, TimeSpan lifetime) => _svids[element] = _authority.Issue(IdOf(element), lifetime);

    /// <summary>Signs the element's path segment: sub = itself, aud = [the hop it faces], exp capped by its SVID.</summary>
    public string SignSegment(string element, string audienceElement)
    {
        var svid = Of(element);
        var expires = new[] { security.IdentityTime.GetUtcNow() + SimulatorIdentityDefaults.TokenLifetime, svid.NotAfter }.Min();
        return NsmTokens.Sign(svid, IdOf(audienceElement), expires);
    }
}

internal static class SimulatorIdentityDefaults
{
    /// <summary>cmd-nsmgr's default max token lifetime.</summary>
    public static readonly TimeSpan TokenLifetime = TimeSpan.FromMinutes(10);
}
