using System.Security.Cryptography.X509Certificates;
using Nsm.Api;
using Nsm.Healing.Nsmgr;
using Nsm.Identity;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Tests;

/// <summary>The NSC's check of an answer, and the token format it relies on.</summary>
public sealed class NextTokenCheckTests
{
    private static readonly SpiffeAuthority Authority = new();
    private static readonly DateTimeOffset Expires = DateTimeOffset.UtcNow.AddMinutes(10);
    private static readonly X509Svid Us = Svid("/nsm-healing");
    private static readonly X509Svid Nsmgr = Svid("/nsm/nsmgr-1");
    private static readonly X509Svid Forwarder = Svid("/nsm/fwd-1a");

    [Fact]
    public void A_path_signed_by_the_nsmgr_we_dialed_and_chained_passes()
    {
        Assert.Null(NextTokenCheck.FindProblem(Answer(NsmTokens.Sign(Nsmgr, Forwarder.Id, Expires)), PeersOf(Nsmgr)));
    }

    [Fact]
    public void Segment_1_signed_by_another_key_fails()
    {
        var problem = NextTokenCheck.FindProblem(Answer(NsmTokens.Sign(Svid("/nsm/nsmgr-1"), Forwarder.Id, Expires)), PeersOf(Nsmgr));

        Assert.Equal("segment 1 ('nsmgr-1') is not signed by the key of the NSMgr's TLS certificate", problem);
    }

    [Fact]
    public void A_broken_chain_fails_naming_the_segments()
    {
        var problem = NextTokenCheck.FindProblem(Answer(NsmTokens.Sign(Nsmgr, Us.Id, Expires)), PeersOf(Nsmgr));

        Assert.Equal("the token chain breaks between segment 1 ('nsmgr-1') and segment 2 ('fwd-1a')", problem);
    }

    [Fact]
    public void The_expiry_metadata_is_rfc3339_with_nanoseconds_and_reads_back()
    {
        var expires = new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234567);

        var text = NsmTokens.FormatExpiry(expires);

        Assert.Equal("2030-01-02T03:04:05.123456700Z", text);
        Assert.True(NsmTokens.TryParseExpiry(text, out var read));
        Assert.Equal(expires, read);
    }

    private static Connection Answer(string nsmgrToken) => new()
    {
        Id = "c-1",
        Path = new Nsm.Api.Path
        {
            PathSegments =
            {
                new PathSegment { Name = "nsc", Id = "c-1", Token = NsmTokens.Sign(Us, Nsmgr.Id, Expires) },
                new PathSegment { Name = "nsmgr-1", Id = "n-1", Token = nsmgrToken },
                new PathSegment { Name = "fwd-1a", Id = "f-1", Token = NsmTokens.Sign(Forwarder, Nsmgr.Id, Expires) },
            },
        },
    };

    private static NsmgrPeers PeersOf(X509Svid nsmgr)
    {
        var peers = new NsmgrPeers();
        peers.Remember(new SpiffePeer(X509CertificateLoader.LoadCertificate(nsmgr.Certificate.RawData), nsmgr.Id));
        return peers;
    }

    /// <summary>An SVID of a fresh key, issued by the test trust domain's authority.</summary>
    private static X509Svid Svid(string path) => Authority.Issue(Authority.IdOf(path), TimeSpan.FromHours(1));
}
