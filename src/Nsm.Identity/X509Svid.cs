using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>
/// A workload's X.509-SVID: its certificate with the private key, any intermediates up to the trust bundle, and the
/// trust bundle of its trust domain that peers are checked against. The key is a secret: <see cref="ToString"/> shows none.
/// </summary>
public sealed record X509Svid(SpiffeId Id, X509Certificate2 Certificate, X509Certificate2Collection Intermediates, X509Certificate2Collection Bundle)
{
    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    public override string ToString() => $"X509Svid({Id}, expires {NotAfter:O})";
}
