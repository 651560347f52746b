using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>
/// Checks a TLS peer as go-spiffe's <c>tlsconfig.AuthorizeAny</c> does: its certificate chains to our trust bundle and
/// names a SPIFFE ID of our trust domain; optionally that ID must be on an allow-list. Host names play no part.
/// </summary>
public static class SpiffeTrust
{
    /// <param name="presented">Intermediates the peer sent with its certificate (may be null).</param>
    /// <param name="allowed">When non-empty, the SPIFFE IDs accepted; otherwise any ID of the trust domain.</param>
    /// <param name="problem">Why the peer was refused, in words for a log line (no key material).</param>
    /// <returns>The peer's SPIFFE ID, or null when it is refused.</returns>
    public static SpiffeId? Authenticate(
        X509Certificate2? peer, X509Chain? presented, X509Svid own, IReadOnlyCollection<string>? allowed, out string problem)
    {
        if (peer is null)
        {
            problem = "the peer sent no certificate";
            return null;
        }

        if (SpiffeId.FromCertificate(peer) is not { } id)
        {
            problem = $"the peer certificate '{peer.Subject}' names no SPIFFE ID (one spiffe:// URI SAN)";
            return null;
        }

        if (id.TrustDomain != own.Id.TrustDomain)
        {
            problem = $"the peer {id} is not in our trust domain '{own.Id.TrustDomain}'";
            return null;
        }

        if (allowed is { Count: > 0 } && !allowed.Contains(id.ToString()))
        {
            problem = $"the peer {id} is not on the allow-list";
            return null;
        }

        // Checked apart from the chain so the refusal says plainly what an operator must fix.
        if (peer.NotAfter.ToUniversalTime() <= DateTime.UtcNow)
        {
            problem = $"the peer {id} certificate expired at {peer.NotAfter.ToUniversalTime():O}";
            return null;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(own.Bundle);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(peer))
        {
            var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
            problem = $"the peer {id} certificate does not verify against the trust bundle of '{own.Id.TrustDomain}' ({status})";
            return null;
        }

        problem = string.Empty;
        return id;
    }
}
