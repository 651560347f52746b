using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Nsm.Healing.Identity;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Signs the token for one Request or Close as an upstream NSC does: ES256 with our SVID's key, sub = our SPIFFE ID,
/// aud = [the NSMgr's SPIFFE ID from its TLS certificate], exp = the earliest of now + MaxTokenLifetime, our SVID's
/// and the NSMgr certificate's NotAfter, in whole seconds as the JWT's <c>exp</c> claim has it.
/// </summary>
/// <remarks>
/// Every call to one NSMgr within one second carries the same claims, so it carries the same token: one signature per
/// NSMgr and second instead of one per call, which a heal storm behind one NSMgr would otherwise pay thousands of times
/// within a second. A token names no call (no nonce, no id), so nothing tells a reused one from a fresh one.
/// </remarks>
public sealed class NsmTokenSigner(IOptions<IdentityOptions> options, TimeProvider time)
{
    // The newest token per NSMgr and who signed it: at most one entry per NSMgr this silo calls.
    private readonly ConcurrentDictionary<SpiffeId, (X509Svid Signer, NsmToken Token)> _newest = new();

    public NsmToken Sign(X509Svid own, SpiffePeer nsmgr)
    {
        var expires = NsmTokens.Expiry(time.GetUtcNow(), options.Value.MaxTokenLifetime, own, nsmgr.Certificate);
        expires = DateTimeOffset.FromUnixTimeSeconds(expires.ToUnixTimeSeconds());
        if (_newest.TryGetValue(nsmgr.Id, out var newest) && ReferenceEquals(newest.Signer, own) && newest.Token.Expires == expires)
        {
            return newest.Token;
        }

        var token = new NsmToken(NsmTokens.Sign(own, nsmgr.Id, expires), expires);
        _newest[nsmgr.Id] = (own, token);
        return token;
    }

    /// <summary>How much longer <paramref name="token"/> is valid from now (negative once it expired).</summary>
    public TimeSpan ValidFor(NsmToken token) => token.Expires - time.GetUtcNow();
}
