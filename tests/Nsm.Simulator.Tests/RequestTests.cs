using Grpc.Core;
using Nsm.Api;
using Nsm.Identity;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class RequestTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task Request_builds_the_local_path_with_tokens_expiry_and_the_nses_addresses()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(Lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var connection = await nsc.RequestAsync(NscRequests.New("c-1"));

        Assert.Equal("c-1", connection.Id);
        Assert.Equal(0u, connection.Path.Index);
        Assert.Equal(["nsc-1", "nsmgr-1", "fwd-1a", "nse-1a"], Paths.Names(connection));
        var ids = Paths.Ids(connection);
        Assert.Equal("c-1", ids[0]);
        Assert.All(ids[1..], id => Assert.True(Guid.TryParse(id, out _), $"segment id '{id}' is a GUID"));
        Assert.Equal(4, ids.Distinct().Count());
        // Segment 0 holds the token the NSC sent; every hop signed its own, chained to the next (aud of k = sub of k+1).
        var tokens = connection.Path.PathSegments.Select(s => NsmTokens.Read(s.Token)!).ToList();
        Assert.Equal(nsc.Channel.Svid!.Id.ToString(), tokens[0].Subject);
        Assert.Equal([sim.IdentityOf("nsmgr-1")!.ToString()], tokens[0].Audiences);
        Assert.Equal(["nsmgr-1", "fwd-1a", "nse-1a"], tokens.Skip(1).Select(t => t.Subject.Split('/')[^1]));
        Assert.All(Enumerable.Range(0, 3), k => Assert.Contains(tokens[k + 1].Subject, tokens[k].Audiences));
        // Segment 0 expires with the NSC's token (10 min from signing, carried over to the simulation's clock).
        Assert.InRange(connection.Path.PathSegments[0].Expires.ToDateTimeOffset(), Sim.Epoch + Lifetime - TimeSpan.FromSeconds(5), Sim.Epoch + Lifetime);
        Assert.All(connection.Path.PathSegments.Skip(1), s => Assert.Equal(Sim.Epoch + Lifetime, s.Expires.ToDateTimeOffset()));
        Assert.Equal("nse-1a", connection.NetworkServiceEndpointName);
        Assert.Equal(NscRequests.Memif, connection.Mechanism);
        Assert.Equal(State.Up, connection.State);
        var src = Assert.Single(connection.Context.IpContext.SrcIpAddrs);
        var dst = Assert.Single(connection.Context.IpContext.DstIpAddrs);
        Assert.StartsWith("10.1.", src);
        Assert.StartsWith("10.1.", dst);
        Assert.NotEqual(src, dst);

        var request = Assert.Single(sim.Records.Requests("c-1"));
        Assert.Equal(("nsmgr-1", "nse-1a", StatusCode.OK, false), (request.Nsmgr, request.Endpoint, request.Outcome, request.Reselect));
        Assert.Equal(["fwd-1a"], request.Forwarders);
        Assert.Equal(Sim.Epoch, request.Timestamp);
        Assert.True(sim.IsDataPlaneUp("c-1"));
        Assert.Equal(["c-1"], sim.ConnectionsAt("nse-1a"));
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Empty(sim.Records.Closes());
    }

    [Fact]
    public async Task Request_without_a_client_token_gets_a_generated_one()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var connection = await nsc.RequestAsync("c-1");

        Assert.NotEmpty(connection.Path.PathSegments[0].Token);
    }

    [Fact]
    public async Task Refresh_keeps_ids_wiring_and_addresses_and_renews_tokens_and_expiry()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(Lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var first = await nsc.RequestAsync("c-1");

        clock.Advance(TimeSpan.FromMinutes(2));
        var refreshed = await nsc.RequestAsync(NscRequests.Restore(first));

        Assert.Equal(Paths.Ids(first), Paths.Ids(refreshed));
        Assert.Equal(Paths.Names(first), Paths.Names(refreshed));
        Assert.Equal(first.Context.IpContext, refreshed.Context.IpContext);
        Assert.NotEqual(first.Path.PathSegments[1].Token, refreshed.Path.PathSegments[1].Token);
        Assert.All(refreshed.Path.PathSegments.Skip(1), s => Assert.Equal(clock.GetUtcNow() + Lifetime, s.Expires.ToDateTimeOffset()));
        // The NSMgr times the connection out when the NSC's token expires: 10 min from signing, as the path's.
        var callerExpires = refreshed.Path.PathSegments[0].Expires.ToDateTimeOffset();
        Assert.InRange(callerExpires, clock.GetUtcNow() + Lifetime - TimeSpan.FromSeconds(5), clock.GetUtcNow() + Lifetime);
        Assert.Equal(callerExpires, sim.WiringOf("c-1")!.Expires);
        Assert.Equal(2, sim.Records.Requests("c-1").Count);
        Assert.Empty(sim.Records.Closes());
        Assert.Empty(sim.Records.Duplicates());
    }

    [Fact]
    public async Task Endpoint_named_in_the_request_is_the_one_chosen()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var any = await nsc.RequestAsync("c-any");
        var named = await nsc.RequestAsync("c-named", endpoint: "nse-1b");

        Assert.Equal("nse-1a", any.NetworkServiceEndpointName);
        Assert.Equal("nse-1b", named.NetworkServiceEndpointName);
        Assert.Equal("nse-1b", named.Path.PathSegments[^1].Name);
        // Each NSE owns its own pool, so the two connections' addresses come from different /16s.
        Assert.StartsWith("10.1.", any.Context.IpContext.SrcIpAddrs[0]);
        Assert.StartsWith("10.2.", named.Context.IpContext.SrcIpAddrs[0]);
        Assert.Equal(["c-named"], sim.ConnectionsAt("nse-1b"));
    }

    [Fact]
    public async Task Given_mechanism_is_used_when_there_are_no_preferences()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var request = NscRequests.New("c-1");
        request.MechanismPreferences.Clear();
        request.Connection.Mechanism = new Mechanism { Cls = "LOCAL", Type = "MEMIF" };

        var connection = await nsc.RequestAsync(request);

        Assert.Equal("MEMIF", connection.Mechanism.Type);
    }
}
