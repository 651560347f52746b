using Nsm.Healing.Cluster.Tls;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>TLS to the gateways, as the silo's "Nsm:Cluster:Tls" keys describe it; present only when TLS is on.</summary>
public sealed record ClusterTlsTarget
{
    /// <summary>PEM or PKCS#12 client certificate, for gateways that require one.</summary>
    public string? Certificate { get; init; }

    public string? Key { get; init; }

    /// <summary>Opens a PKCS#12 certificate or an encrypted key. Only from the environment, never an option: ps would show it.</summary>
    public string? Password { get; init; }

    /// <summary>PEM bundle of the authorities that signed the silos' certificates; null: the system trust store.</summary>
    public string? CaCertificate { get; init; }

    public string? TargetHost { get; init; }

    public ClusterTlsOptions ToOptions() => new()
    {
        Enabled = true,
        Certificate = Certificate,
        Key = Key,
        Password = Password,
        CaCertificate = CaCertificate,
        TargetHost = TargetHost,
    };

    /// <summary>Everything but the password.</summary>
    public override string ToString() =>
        $"TLS (certificate {Certificate ?? "none"}, CA {CaCertificate ?? "system trust store"}{(TargetHost is null ? "" : $", target host {TargetHost}")})";
}
