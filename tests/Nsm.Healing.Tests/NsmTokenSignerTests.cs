using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Identity;
using Nsm.Healing.Nsmgr;
using Nsm.Identity;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Tests;

/// <summary>One signature per NSMgr and second: calls within it carry the same token, whose claims would be the same anyway.</summary>
public sealed class NsmTokenSignerTests
{
    private static readonly SpiffeAuthority Authority = new();
    private static readonly X509Svid Us = Authority.Issue(Authority.IdOf("/nsm-healing"), TimeSpan.FromHours(1));
    private static readonly SpiffePeer Nsmgr1 = PeerOf(Authority.Issue(Authority.IdOf("/nsm/nsmgr-1"), TimeSpan.FromHours(1)));
    private static readonly SpiffePeer Nsmgr2 = PeerOf(Authority.Issue(Authority.IdOf("/nsm/nsmgr-2"), TimeSpan.FromHours(1)));

    // At a tenth of a second into a second.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).AddMilliseconds(100));

    [Fact]
    public void Calls_to_one_nsmgr_within_a_second_carry_one_token_whose_expiry_is_its_exp_claim()
    {
        var signer = Signer();

        var first = signer.Sign(Us, Nsmgr1);
        _time.Advance(TimeSpan.FromMilliseconds(800));
        var second = signer.Sign(Us, Nsmgr1);

        Assert.Same(first, second);
        Assert.Equal(NsmTokens.Read(first.Value)!.Expires, first.Expires);
        Assert.Equal(_time.GetUtcNow().AddMinutes(10), first.Expires, TimeSpan.FromSeconds(1));
    }

    [Fact]
    public void A_new_second_another_nsmgr_or_a_rotated_svid_gets_a_token_of_its_own()
    {
        var signer = Signer();
        var first = signer.Sign(Us, Nsmgr1);

        var otherNsmgr = signer.Sign(Us, Nsmgr2);
        var rotated = signer.Sign(Authority.Issue(Us.Id, TimeSpan.FromHours(1)), Nsmgr1);
        _time.Advance(TimeSpan.FromSeconds(1));
        var nextSecond = signer.Sign(Us, Nsmgr1);

        Assert.Equal([Nsmgr2.Id.ToString()], NsmTokens.Read(otherNsmgr.Value)!.Audiences);
        Assert.NotEqual(first.Value, rotated.Value);
        Assert.Equal(first.Expires + TimeSpan.FromSeconds(1), nextSecond.Expires);
        Assert.NotEqual(first.Value, nextSecond.Value);
    }

    private NsmTokenSigner Signer() => new(Options.Create(new IdentityOptions()), _time);

    private static SpiffePeer PeerOf(X509Svid svid) => new(svid.Certificate, svid.Id);
}
