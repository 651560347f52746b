namespace Nsm.Healing.Cluster.Tls;

/// <summary>
/// TLS on the cluster's own traffic: silo to silo, and clients (NSCs, nsm-heal) to the silos' gateways. Silos and clients
/// read the same section, "Nsm:Cluster:Tls". Certificates are read once, at start-up.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>The configuration section silos and clients read.</summary>
    public const string Section = "Nsm:Cluster:Tls";

    /// <summary>Off: the cluster's traffic is plain TCP. Every silo and client of a cluster must agree.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// This process's certificate: a PEM file (the certificate, then any intermediates; needs <see cref="Key"/>) or a
    /// PKCS#12 file (.pfx/.p12, with its key and chain). Required on a silo; on a client, when the gateway requires one.
    /// </summary>
    public string? Certificate { get; set; }

    /// <summary>PEM private key of a PEM <see cref="Certificate"/>: PKCS#8, PKCS#1 or SEC1, or PKCS#8 encrypted with <see cref="Password"/>.</summary>
    public string? Key { get; set; }

    /// <summary>Opens a PKCS#12 <see cref="Certificate"/>, or an encrypted PEM <see cref="Key"/>. A secret: never logged.</summary>
    public string? Password { get; set; }

    /// <summary>PEM bundle of the authorities whose certificates are trusted as peers. Empty: the system trust store.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>Silo only: gateway clients must present a trusted certificate (mutual TLS). Silos always do to each other.</summary>
    public bool RequireClientCertificate { get; set; } = true;

    /// <summary>
    /// A DNS name every silo's certificate must carry; checked by whoever connects to a silo. Empty: the name is not
    /// checked (silos are reached by IP address), and trust rests on the certificate chaining to <see cref="CaCertificate"/>.
    /// </summary>
    public string? TargetHost { get; set; }
}
