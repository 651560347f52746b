using Grpc.Core;
using Nsm.Api;
using Nsm.Identity;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

/// <summary>
/// The simulated NSMgr authorizes as cmd-nsmgr does: mTLS with SPIFFE SVIDs, then tokens_valid, tokens_expired,
/// tokens_chained and prev_token_signed on every Request and Close, each refusal a PermissionDenied naming the policy.
/// </summary>
public sealed class AuthorizationTests
{
    private static readonly SpiffeAuthority Trust = DevelopmentTrust.Authority;

    [Fact]
    public async Task A_static_token_is_refused_with_PermissionDenied_and_a_signed_one_is_accepted()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var plain = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (_, _) => ("static-token", DateTimeOffset.UtcNow.AddMinutes(10)));
        using var upstream = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => plain.RequestAsync("c-static"));
        var accepted = await upstream.RequestAsync("c-signed");

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains("tokens_valid", refused.Status.Detail);
        Assert.Equal(State.Up, accepted.State);
        Assert.Equal(StatusCode.PermissionDenied, Assert.Single(sim.Records.Requests("c-static")).Outcome);
        Assert.DoesNotContain("c-static", sim.ConnectionsKnownBy("nsmgr-1"));
    }

    [Fact]
    public async Task A_token_signed_by_another_key_than_the_tls_certificate_is_refused_by_prev_token_signed()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        var other = Trust.Issue(Trust.IdOf("/nsc"), TimeSpan.FromHours(1));
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (_, nsmgr) => SecureNscChannel.UpstreamToken(other, nsmgr));

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-other-key"));

        AssertDenied(refused, "prev_token_signed");
    }

    [Fact]
    public async Task A_token_for_another_nsmgr_is_refused_by_tokens_chained()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        var wrongAudience = sim.IdentityOf("fwd-1a")!;
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (own, _) => (NsmTokens.Sign(own, wrongAudience, DateTimeOffset.UtcNow.AddMinutes(5)), DateTimeOffset.UtcNow.AddMinutes(5)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-wrong-aud"));

        AssertDenied(refused, "tokens_chained");
    }

    [Fact]
    public async Task A_chain_leading_out_of_the_trust_domain_is_refused_by_tokens_chained()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        var foreign = SpiffeId.Parse("spiffe://elsewhere.test/nsm/nsmgr-1");
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (own, _) => (NsmTokens.Sign(own, foreign, DateTimeOffset.UtcNow.AddMinutes(5)), DateTimeOffset.UtcNow.AddMinutes(5)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-broken-chain"));

        AssertDenied(refused, "tokens_chained");
    }

    [Fact]
    public async Task An_expired_token_is_refused_by_tokens_expired_even_on_close()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var fresh = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await fresh.RequestAsync("c-expired");
        using var late = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (own, nsmgr) => (NsmTokens.Sign(own, nsmgr.Id, DateTimeOffset.UtcNow.AddSeconds(-5)), DateTimeOffset.UtcNow.AddSeconds(-5)));

        var refused = await Assert.ThrowsAsync<RpcException>(() => late.CloseAsync(connection));

        AssertDenied(refused, "tokens_expired");
        Assert.Equal(StatusCode.PermissionDenied, Assert.Single(sim.Records.Closes("c-expired")).Outcome);
        Assert.Contains("c-expired", sim.ConnectionsAt("nse-1a").Concat(sim.ConnectionsAt("nse-1b")));
    }

    [Fact]
    public async Task A_client_certificate_not_issued_by_the_trust_bundle_never_reaches_a_method()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        // An impostor CA claiming the same trust domain name: its SVID trusts our NSMgr, but the NSMgr cannot trust it.
        using var impostor = new SpiffeAuthority(Trust.TrustDomain);
        var issued = impostor.Issue(Trust.IdOf("/nsc"), TimeSpan.FromHours(1));
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), svid: issued with { Bundle = Trust.Bundle });

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-impostor"));

        // A TLS refusal has no gRPC status of its own: the client sees the connection fail, as with a real NSMgr.
        Assert.NotEqual(StatusCode.OK, refused.StatusCode);
        Assert.Empty(sim.Records.Requests());
    }

    [Fact]
    public async Task A_client_of_a_foreign_trust_domain_refuses_the_nsmgr_and_sends_nothing()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var foreignDomain = new SpiffeAuthority("elsewhere.test");
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), svid: foreignDomain.Issue(foreignDomain.IdOf("/nsc"), TimeSpan.FromHours(1)));

        var refused = await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => nsc.RequestAsync("c-foreign"));

        Assert.Contains("is not in our trust domain 'elsewhere.test'", refused.Message);
        Assert.Empty(sim.Records.Requests());
    }

    [Fact]
    public async Task A_close_with_a_valid_token_releases_the_connection_and_forgets_its_owner()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-owned");

        await nsc.CloseAsync(connection);

        Assert.Equal(StatusCode.OK, Assert.Single(sim.Records.Closes("c-owned")).Outcome);
        Assert.DoesNotContain("c-owned", sim.ConnectionsKnownBy("nsmgr-1"));
    }

    [Fact]
    public async Task With_the_monitor_ownership_policy_a_caller_sees_only_what_it_owns()
    {
        var security = SimulatorSecurity.Default with { MonitorOwnershipPolicy = true };
        await using var sim = await NsmSimulator.StartAsync(Sim.OneNodeTwoNses(), security: security);
        using var owner = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await owner.RequestAsync("c-mine");
        using var stranger = new NscClient(sim.NsmgrAddress("nsmgr-1"), svid: Trust.Issue(Trust.IdOf("/someone-else"), TimeSpan.FromHours(1)));
        var mine = new MonitorScopeSelector { PathSegments = { new PathSegment { Id = "c-mine" } } };

        using var allowed = await owner.MonitorFromNowAsync(mine);
        using var denied = stranger.Monitor(mine);
        var refused = await Assert.ThrowsAsync<RpcException>(() => denied.NextAsync());

        Assert.Single(allowed.Initial!.Connections);
        AssertDenied(refused, "service_connection");
    }

    [Fact]
    public async Task Plaintext_must_be_asked_for_and_then_checks_nothing()
    {
        await using var sim = await NsmSimulator.StartAsync(Sim.OneNodeTwoNses(), security: SimulatorSecurity.Plaintext);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var connection = await nsc.RequestAsync("c-plain");

        Assert.StartsWith("http://", sim.NsmgrAddress("nsmgr-1"));
        Assert.Equal(State.Up, connection.State);
        Assert.StartsWith("sim-", connection.Path.PathSegments[1].Token);
    }

    private static void AssertDenied(RpcException refused, string policy)
    {
        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Contains($"policy {policy}", refused.Status.Detail);
    }
}
