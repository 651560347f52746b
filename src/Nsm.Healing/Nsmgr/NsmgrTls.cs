using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.Nsmgr;

/// <summary>Builds the TLS client side for NSMgr channels from <see cref="NsmgrTlsOptions"/>.</summary>
internal static class NsmgrTls
{
    public static SslClientAuthenticationOptions ClientAuthentication(NsmgrTlsOptions options)
    {
        var authentication = new SslClientAuthenticationOptions();
        if (options is { ClientCertificatePath: { } certificatePath, ClientKeyPath: { } keyPath })
        {
            authentication.ClientCertificates = [LoadClientCertificate(certificatePath, keyPath)];
        }

        if (options.CaCertificatePath is { } caPath)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caPath);
            authentication.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                certificate is X509Certificate2 server && ChainsTo(server, authorities) && !errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch);
        }

        return authentication;
    }

    private static X509Certificate2 LoadClientCertificate(string certificatePath, string keyPath)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificatePath, keyPath);
        // Linux TLS needs the key in an exportable PKCS#12 form to present it.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), password: null);
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
