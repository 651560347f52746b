using Nsm.Api;
using Nsm.Healing.Monitoring;
using Nsm.Identity;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Tests.Monitoring;

/// <summary>A snapshot entry is ours when its first path segment's token names one of our SPIFFE IDs as sub; nothing else is.</summary>
public sealed class OwnIdentityTests : IDisposable
{
    private readonly SpiffeAuthority _authority = new();

    [Fact]
    public void A_connection_whose_caller_token_names_us_is_ours_and_one_naming_anyone_else_is_not()
    {
        var us = _authority.IdOf("/nsm-healing");
        var subjects = TokenSubject.Encode([us.ToString()]);

        Assert.True(OwnIdentity.IsOurs(WithCallerToken(SignedBy(us)), subjects));
        Assert.False(OwnIdentity.IsOurs(WithCallerToken(SignedBy(_authority.IdOf("/some-nsc"))), subjects));
    }

    [Theory]
    [InlineData("")]
    [InlineData("sim-0123456789abcdef")]
    [InlineData("not.base64!.at-all")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOjQyfQ.x")]
    [InlineData("eyJhbGciOiJub25lIn0.W10.x")]
    public void Anything_that_is_not_a_token_naming_us_is_not_ours(string token)
    {
        var subjects = TokenSubject.Encode([_authority.IdOf("/nsm-healing").ToString()]);

        Assert.False(OwnIdentity.IsOurs(WithCallerToken(token), subjects));
        Assert.False(OwnIdentity.IsOurs(new Connection { Id = "c" }, subjects));
    }

    [Fact]
    public void Any_of_several_subjects_counts()
    {
        var other = _authority.IdOf("/nsm-healing-node-b");
        var subjects = TokenSubject.Encode([_authority.IdOf("/nsm-healing").ToString(), other.ToString()]);

        Assert.True(OwnIdentity.IsOurs(WithCallerToken(SignedBy(other)), subjects));
    }

    public void Dispose() => _authority.Dispose();

    private string SignedBy(SpiffeId id) =>
        NsmTokens.Sign(_authority.Issue(id, TimeSpan.FromMinutes(5)), _authority.IdOf("/nsm/nsmgr-1"), DateTimeOffset.UtcNow.AddMinutes(5));

    private static Connection WithCallerToken(string token) => new()
    {
        Id = "c-1",
        Path = new Path { PathSegments = { new PathSegment { Name = "nsc", Id = "c-1", Token = token }, new PathSegment { Name = "nsmgr-1", Id = "x" } } },
    };
}
