using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.Tokens;

namespace Nsm.Identity;

/// <summary>
/// A workload's X.509-SVID: its certificate with the private key, any intermediates up to the trust bundle, and the
/// trust bundle of its trust domain that peers are checked against. The key is a secret: <see cref="ToString"/> shows none.
/// </summary>
public sealed record X509Svid(SpiffeId Id, X509Certificate2 Certificate, X509Certificate2Collection Intermediates, X509Certificate2Collection Bundle)
{
    private SigningCredentials? _signing;

    /// <summary>ES256 with the SVID's key, made once per SVID: its key lives as long as the SVID.</summary>
    internal SigningCredentials SigningCredentials => _signing ??= new SigningCredentials(
        NsmTokens.Uncached(new ECDsaSecurityKey(Certificate.GetECDsaPrivateKey()
            ?? throw new IdentityUnavailableException($"the SVID of {Id} has no EC private key; NSM tokens are ES256"))),
        SecurityAlgorithms.EcdsaSha256);

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime());

    public override string ToString() => $"X509Svid({Id}, expires {NotAfter:O})";
}
