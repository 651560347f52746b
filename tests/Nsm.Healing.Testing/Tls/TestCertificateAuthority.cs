using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.Testing.Tls;

/// <summary>
/// A throwaway certificate authority made in code, issuing certificates for cluster TLS tests and writing them as
/// PEM or PKCS#12 files into a temporary directory that is deleted on dispose. Nothing is committed to the repository.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private static readonly Oid ServerAuthentication = new("1.3.6.1.5.5.7.3.1");
    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("nsm-cluster-tls-");
    private readonly X509Certificate2 _authority;

    public TestCertificateAuthority(string name = "nsm-cluster-test-ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        // Valid from two days ago, so it can also issue certificates that have already expired.
        _authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-2), DateTimeOffset.UtcNow.AddDays(1));
        CaPath = Write($"{name}.crt", _authority.ExportCertificatePem());
    }

    /// <summary>PEM file of the authority's certificate: the CA bundle peers are told to trust.</summary>
    public string CaPath { get; }

    /// <summary>
    /// A certificate for silos and clients alike (server and client authentication), naming localhost, 127.0.0.1 and
    /// <paramref name="dnsName"/>, as a PEM certificate file and a PEM key file, the key encrypted when a password is given.
    /// </summary>
    public (string Certificate, string Key) IssuePem(string name, string? keyPassword = null, string dnsName = "nsm-healing-silo", TimeSpan? validFor = null)
    {
        using var certificate = Issue(name, dnsName, validFor, out var key);
        using (key)
        {
            var keyPem = keyPassword is null
                ? key.ExportPkcs8PrivateKeyPem()
                : key.ExportEncryptedPkcs8PrivateKeyPem(keyPassword, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
            return (Write($"{name}.crt", certificate.ExportCertificatePem()), Write($"{name}.key", keyPem));
        }
    }

    /// <summary>The same certificate as <see cref="IssuePem"/>, with its key, in a password-protected PKCS#12 file.</summary>
    public string IssuePfx(string name, string password, string dnsName = "nsm-healing-silo")
    {
        using var certificate = Issue(name, dnsName, validFor: null, out var key);
        using (key)
        using (var withKey = certificate.CopyWithPrivateKey(key))
        {
            var path = Path.Combine(_directory.FullName, $"{name}.pfx");
            File.WriteAllBytes(path, withKey.Export(X509ContentType.Pkcs12, password));
            return path;
        }
    }

    public string Write(string fileName, string content)
    {
        var path = Path.Combine(_directory.FullName, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }

    private X509Certificate2 Issue(string name, string dnsName, TimeSpan? validFor, out ECDsa key)
    {
        key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuthentication, ClientAuthentication], false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName(dnsName);
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        // A negative validFor makes a certificate that has already expired.
        var notAfter = validFor is { } span ? DateTimeOffset.UtcNow + span : DateTimeOffset.UtcNow.AddHours(12);
        if (notAfter <= notBefore)
        {
            notBefore = notAfter.AddHours(-1);
        }

        return request.Create(_authority, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
    }
}
