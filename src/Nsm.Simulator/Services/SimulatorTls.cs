using System.Security.Cryptography.X509Certificates;

namespace Nsm.Simulator.Services;

/// <summary>
/// Serve every NSMgr over TLS (as production NSM does, with SPIFFE SVIDs), optionally requiring a client
/// certificate issued by <see cref="ClientCertificateAuthority"/> (mTLS).
/// </summary>
public sealed record SimulatorTls(X509Certificate2 ServerCertificate, X509Certificate2? ClientCertificateAuthority = null)
{
    /// <summary>Accepts a client certificate only when it chains to the configured authority.</summary>
    internal bool IsTrustedClient(X509Certificate2 certificate)
    {
        if (ClientCertificateAuthority is null)
        {
            return true;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ClientCertificateAuthority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
