using Microsoft.Extensions.Options;
using Nsm.Healing.Identity;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Signs the token for one Request or Close as an upstream NSC does: ES256 with our SVID's key, sub = our SPIFFE ID,
/// aud = [the NSMgr's SPIFFE ID from its TLS certificate], exp = the earliest of now + MaxTokenLifetime, our SVID's
/// and the NSMgr certificate's NotAfter.
/// </summary>
public sealed class NsmTokenSigner(IOptions<IdentityOptions> options, TimeProvider time)
{
    public NsmToken Sign(X509Svid own, SpiffePeer nsmgr)
    {
        var expires = NsmTokens.Expiry(time.GetUtcNow(), options.Value.MaxTokenLifetime, own, nsmgr.Certificate);
        return new NsmToken(NsmTokens.Sign(own, nsmgr.Id, expires), expires);
    }

    /// <summary>How much longer <paramref name="token"/> is valid from now (negative once it expired).</summary>
    public TimeSpan ValidFor(NsmToken token) => token.Expires - time.GetUtcNow();
}
