using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.Silo.Tests.Configuration;

public static class TestCertificates
{
    /// <summary>A self-signed certificate and its private key, both PEM.</summary>
    public static (string Certificate, string Key) SelfSignedPem()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=nsm-test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }
}
