using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Nsm.Identity;

/// <summary>
/// NSM's per-hop token: an ES256 JWT signed with the key of the signer's X.509-SVID, with <c>sub</c> = the signer's
/// SPIFFE ID, <c>aud</c> = [the peer's SPIFFE ID] and <c>exp</c>. Sent as gRPC metadata and kept in path segments.
/// </summary>
public static class NsmTokens
{
    /// <summary>gRPC metadata carrying the caller's token.</summary>
    public const string TokenHeader = "nsm-client-token";

    /// <summary>gRPC metadata carrying the token's expiry, RFC 3339 with nanoseconds.</summary>
    public const string ExpiresHeader = "nsm-client-token-expires";

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    /// <summary>The expiry NSM gives a token: the earliest of now + the max lifetime, our SVID's and the peer certificate's NotAfter.</summary>
    public static DateTimeOffset Expiry(DateTimeOffset now, TimeSpan maxLifetime, X509Svid own, X509Certificate2 peer)
    {
        var peerNotAfter = new DateTimeOffset(peer.NotAfter.ToUniversalTime());
        return new[] { now + maxLifetime, own.NotAfter, peerNotAfter }.Min();
    }

    public static string Sign(X509Svid signer, SpiffeId audience, DateTimeOffset expires)
    {
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = signer.Id.ToString(),
                [JwtRegisteredClaimNames.Aud] = new[] { audience.ToString() },
                [JwtRegisteredClaimNames.Exp] = expires.ToUnixTimeSeconds(),
            },
            SigningCredentials = signer.SigningCredentials,
        };
        return Handler.CreateToken(descriptor);
    }

    /// <summary>Decodes without checking the signature; null when it is not a JWT with sub, aud and exp.</summary>
    public static NsmTokenClaims? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || !Handler.CanReadToken(token))
        {
            return null;
        }

        try
        {
            var jwt = new JsonWebToken(token);
            if (!jwt.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out var exp) || string.IsNullOrEmpty(jwt.Subject))
            {
                return null;
            }

            return new NsmTokenClaims(jwt.Subject, jwt.Audiences.ToList(), DateTimeOffset.FromUnixTimeSeconds(exp));
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when the token carries a valid ES256 signature by the key of <paramref name="signer"/>.</summary>
    public static bool IsSignedBy(string? token, X509Certificate2 signer)
    {
        if (string.IsNullOrEmpty(token) || signer.GetECDsaPublicKey() is not { } key)
        {
            return false;
        }

        using (key)
        {
            var result = Handler.ValidateTokenAsync(token, new TokenValidationParameters
            {
                IssuerSigningKey = Uncached(new ECDsaSecurityKey(key)),
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
                ValidateIssuer = false,
                ValidateAudience = false,
                // Expiry is a policy of its own (tokens_expired), checked against the caller's clock.
                ValidateLifetime = false,
                RequireExpirationTime = false,
                RequireSignedTokens = true,
            }).GetAwaiter().GetResult();
            return result.IsValid;
        }
    }

    /// <summary>
    /// The library caches signature providers by key; ours are short-lived (rotated SVIDs, one-off peer keys), so a cache
    /// would only hold disposed keys.
    /// </summary>
    internal static ECDsaSecurityKey Uncached(ECDsaSecurityKey key)
    {
        key.CryptoProviderFactory = new CryptoProviderFactory { CacheSignatureProviders = false };
        return key;
    }

    /// <summary>RFC 3339 with nanoseconds, as upstream writes <see cref="ExpiresHeader"/>.</summary>
    public static string FormatExpiry(DateTimeOffset expires) =>
        expires.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'00Z'", CultureInfo.InvariantCulture);

    public static bool TryParseExpiry(string? text, out DateTimeOffset expires) =>
        DateTimeOffset.TryParse(TrimToTicks(text), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out expires);

    // .NET parses at most 7 fractional digits; RFC 3339 from Go carries up to 9.
    private static string? TrimToTicks(string? text)
    {
        var dot = text?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (text is null || dot < 0)
        {
            return text;
        }

        var end = dot + 1;
        while (end < text.Length && char.IsAsciiDigit(text[end]))
        {
            end++;
        }

        return end - dot - 1 > 7 ? text[..(dot + 8)] + text[end..] : text;
    }
}

/// <summary>What a token claims; whether it is genuine is a separate check (<see cref="NsmTokens.IsSignedBy"/>).</summary>
public sealed record NsmTokenClaims(string Subject, IReadOnlyList<string> Audiences, DateTimeOffset Expires);
