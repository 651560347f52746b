using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.Cluster.Tls;

/// <summary>Decides whether the other end of a cluster connection is a trusted peer, and if not, says why in words.</summary>
internal static class PeerCertificateCheck
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    /// <param name="certificate">What the peer presented, if anything.</param>
    /// <param name="errors">What the platform found wrong with it (chain, name).</param>
    /// <param name="credentials">The authorities trusted and the target host.</param>
    /// <param name="peerIsServer">True when this process connected (the peer is a silo); false when the peer connected to us.</param>
    /// <param name="certificateRequired">Whether a peer without a certificate is refused.</param>
    /// <returns>Null when the peer is trusted; otherwise the reason it is not.</returns>
    public static string? Reject(X509Certificate? certificate, SslPolicyErrors errors, ClusterTlsCredentials credentials, bool peerIsServer, bool certificateRequired)
    {
        if (certificate is null)
        {
            return certificateRequired ? "it presented no certificate" : null;
        }

        using var peer = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (credentials.TrustedAuthorities is { } authorities)
        {
            // Only the cluster's own authorities count, and the certificate must be meant for its side of the connection.
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(peerIsServer ? ServerAuthentication : ClientAuthentication);
            if (!chain.Build(peer))
            {
                var statuses = chain.ChainStatus.Select(status => status.Status).Distinct();
                return $"its certificate '{peer.Subject}' is not trusted by the configured CA certificate ({string.Join(", ", statuses)})";
            }
        }
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            return $"its certificate '{peer.Subject}' does not chain to the system trust store";
        }

        if (peerIsServer && credentials.TargetHost is { } host && errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return $"its certificate '{peer.Subject}' does not name the target host '{host}'";
        }

        return null;
    }
}
