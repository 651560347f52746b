using System.Security.Cryptography.X509Certificates;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>What a call brought to be authorized: the TLS client certificate and the token metadata. Secrets: not logged.</summary>
internal sealed record CallerCredentials(X509Certificate2? Certificate, string? Token, string? TokenExpires)
{
    public SpiffeId? Id => Certificate is null ? null : SpiffeId.FromCertificate(Certificate);

    public override string ToString() => $"CallerCredentials({Id?.ToString() ?? "no certificate"})";
}
