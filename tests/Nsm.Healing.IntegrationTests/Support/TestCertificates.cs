using System.IO;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// A throwaway certificate authority with a loopback server certificate and a client certificate, written as PEM
/// files the way a SPIRE agent writes SVIDs and trust bundles. Deleted on dispose.
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("nsm-tls-").FullName;

    public TestCertificates()
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=nsm-test-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        Authority = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));

        ServerCertificate = Issue("CN=nsmgr", serverAuth: true);
        using var client = Issue("CN=nsm-orleans-silo", serverAuth: false);
        CaPath = Write("ca.pem", Authority.ExportCertificatePem());
        ClientCertificatePath = Write("client.pem", client.ExportCertificatePem());
        ClientKeyPath = Write("client.key", client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
    }

    public X509Certificate2 Authority { get; }

    public X509Certificate2 ServerCertificate { get; }

    public string CaPath { get; }

    public string ClientCertificatePath { get; }

    public string ClientKeyPath { get; }

    public void Dispose()
    {
        Authority.Dispose();
        ServerCertificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private X509Certificate2 Issue(string subject, bool serverAuth)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [serverAuth ? new Oid("1.3.6.1.5.5.7.3.1") : new Oid("1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }

        using var issued = request.Create(Authority, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(8));
        using var withKey = issued.CopyWithPrivateKey(key);
        // Kestrel on Linux presents a server key only from an exportable PKCS#12 form.
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    private string Write(string name, string pem)
    {
        var path = System.IO.Path.Combine(_directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}
