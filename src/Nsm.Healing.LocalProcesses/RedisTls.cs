using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.LocalProcesses;

/// <summary>A private CA and a server certificate for 127.0.0.1 signed by it, as PEM files: TLS the way a cluster's own CA issues it.</summary>
public sealed record RedisTls(string CaCertificate, string Certificate, string Key)
{
    public static RedisTls CreateIn(DirectoryInfo directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = RSA.Create(2048);
        var caRequest = new CertificateRequest("CN=nsm-test-ca", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=127.0.0.1", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        using var server = serverRequest.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(8));

        var tls = new RedisTls(
            Path.Combine(directory.FullName, "ca.crt"),
            Path.Combine(directory.FullName, "redis.crt"),
            Path.Combine(directory.FullName, "redis.key"));
        File.WriteAllText(tls.CaCertificate, ca.ExportCertificatePem());
        File.WriteAllText(tls.Certificate, server.ExportCertificatePem());
        File.WriteAllText(tls.Key, serverKey.ExportPkcs8PrivateKeyPem());
        return tls;
    }
}
