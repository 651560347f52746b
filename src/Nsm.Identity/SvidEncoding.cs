using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>
/// The Workload API's byte formats: certificates as concatenated ASN.1 DER (leaf first), the key as DER PKCS#8.
/// </summary>
public static class SvidEncoding
{
    public static X509Certificate2Collection ReadCertificates(ReadOnlySpan<byte> der)
    {
        var certificates = new X509Certificate2Collection();
        while (!der.IsEmpty)
        {
            AsnDecoder.ReadEncodedValue(der, AsnEncodingRules.DER, out _, out _, out var length);
            certificates.Add(X509CertificateLoader.LoadCertificate(der[..length]));
            der = der[length..];
        }

        return certificates;
    }

    public static byte[] WriteCertificates(IEnumerable<X509Certificate2> certificates) =>
        certificates.SelectMany(c => c.RawData).ToArray();

    /// <summary>Builds an <see cref="X509Svid"/>; throws <see cref="CryptographicException"/> or <see cref="ArgumentException"/> naming what is wrong.</summary>
    public static X509Svid Read(string spiffeId, ReadOnlySpan<byte> chainDer, ReadOnlySpan<byte> pkcs8Key, ReadOnlySpan<byte> bundleDer)
    {
        var chain = ReadCertificates(chainDer);
        if (chain.Count == 0)
        {
            throw new ArgumentException($"the SVID for {spiffeId} has no certificate");
        }

        var bundle = ReadCertificates(bundleDer);
        if (bundle.Count == 0)
        {
            throw new ArgumentException($"the SVID for {spiffeId} comes with an empty trust bundle");
        }

        var id = SpiffeId.Parse(spiffeId);
        var leaf = WithKey(chain[0], pkcs8Key);
        if (SpiffeId.FromCertificate(leaf) != id)
        {
            throw new ArgumentException($"the SVID certificate does not name {spiffeId}");
        }

        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(chain.Skip(1).ToArray());
        return new X509Svid(id, leaf, intermediates, bundle);
    }

    /// <summary>Pairs a certificate with its PKCS#8 key (EC or RSA) in a form Linux TLS can present.</summary>
    public static X509Certificate2 WithKey(X509Certificate2 certificate, ReadOnlySpan<byte> pkcs8Key)
    {
        X509Certificate2 paired;
        if (certificate.GetECDsaPublicKey() is { } ecPublic)
        {
            ecPublic.Dispose();
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(pkcs8Key, out _);
            paired = certificate.CopyWithPrivateKey(key);
        }
        else
        {
            using var key = RSA.Create();
            key.ImportPkcs8PrivateKey(pkcs8Key, out _);
            paired = certificate.CopyWithPrivateKey(key);
        }

        using (paired)
        {
            // An ephemeral key cannot be presented by the platform TLS; a PKCS#12 round trip gives it a persisted form.
            return X509CertificateLoader.LoadPkcs12(paired.Export(X509ContentType.Pkcs12), password: null);
        }
    }
}
