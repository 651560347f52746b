using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>
/// A trust domain's certificate authority, as a SPIRE server would run it: one self-signed EC root (the trust bundle)
/// that issues short-lived X.509-SVIDs naming SPIFFE IDs. For the simulator, its fake Workload API, tests and the demo.
/// </summary>
public sealed class SpiffeAuthority : IDisposable
{
    private readonly X509Certificate2 _root;
    private readonly TimeProvider _time;

    /// <param name="time">The wall clock certificates are dated by; TLS checks them against the real time.</param>
    public SpiffeAuthority(string trustDomain = "nsm.test", TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        TrustDomain = SpiffeId.Parse($"spiffe://{trustDomain}").TrustDomain;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={trustDomain} root, O=SPIFFE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(UriSan(new SpiffeId(TrustDomain, string.Empty)));
        var now = _time.GetUtcNow();
        _root = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(7));
        Bundle = [X509CertificateLoader.LoadCertificate(_root.RawData)];
    }

    public string TrustDomain { get; }

    /// <summary>The trust bundle: the root, without its key.</summary>
    public X509Certificate2Collection Bundle { get; }

    public SpiffeId IdOf(string path) => new(TrustDomain, path.StartsWith('/') ? path : "/" + path);

    /// <summary>Issues an SVID valid from a minute ago (clock skew) for <paramref name="lifetime"/> from now.</summary>
    public X509Svid Issue(SpiffeId id, TimeSpan lifetime)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={id.Path.TrimStart('/')}, O=SPIRE", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([Oid.FromOidValue("1.3.6.1.5.5.7.3.1", OidGroup.EnhancedKeyUsage), Oid.FromOidValue("1.3.6.1.5.5.7.3.2", OidGroup.EnhancedKeyUsage)], false));
        request.CertificateExtensions.Add(UriSan(id));
        var now = _time.GetUtcNow();
        using var issued = request.Create(_root, now.AddMinutes(-1), now + lifetime, RandomNumberGenerator.GetBytes(16));
        var certificate = SvidEncoding.WithKey(issued, key.ExportPkcs8PrivateKey());
        return new X509Svid(id, certificate, [], Bundle);
    }

    public void Dispose() => _root.Dispose();

    private static X509Extension UriSan(SpiffeId id)
    {
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(id.ToString()));
        return san.Build(critical: false);
    }
}
