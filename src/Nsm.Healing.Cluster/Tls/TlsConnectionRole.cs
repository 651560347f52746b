namespace Nsm.Healing.Cluster.Tls;

/// <summary>Which end of which cluster connection TLS runs on: decides who authenticates as server and what is asked of the peer.</summary>
/// <param name="Name">Names the connection in logs and errors.</param>
/// <param name="IsServer">This end accepted the connection.</param>
/// <param name="PeerCertificateRequired">A peer without a certificate is refused.</param>
public sealed record TlsConnectionRole(string Name, bool IsServer, bool PeerCertificateRequired)
{
    /// <summary>Another silo connected to this silo's silo port: it must present a certificate.</summary>
    public static TlsConnectionRole SiloPort { get; } = new("silo port", IsServer: true, PeerCertificateRequired: true);

    /// <summary>This silo connected to another silo.</summary>
    public static TlsConnectionRole ToSilo { get; } = new("connection to silo", IsServer: false, PeerCertificateRequired: true);

    /// <summary>A client (an NSC, nsm-heal) connected to a silo's gateway port.</summary>
    public static TlsConnectionRole GatewayPort(bool requireClientCertificate) => new("gateway port", IsServer: true, requireClientCertificate);

    /// <summary>This client connected to a silo's gateway.</summary>
    public static TlsConnectionRole ToGateway { get; } = new("connection to gateway", IsServer: false, PeerCertificateRequired: true);
}
