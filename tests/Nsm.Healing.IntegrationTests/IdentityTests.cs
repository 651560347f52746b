using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Identity;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The service speaks NSM's security model against a simulator that authorizes like cmd-nsmgr: mTLS with SVIDs from a
/// SPIFFE Workload API and a signed token on every call. Identity trouble holds heals; it never moves a connection.
/// </summary>
public sealed class IdentityTests
{
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1, nsesPerNode: 2);

    [Trait("Category", "Slow")]
    [Fact]
    public async Task The_service_is_accepted_where_a_static_token_client_is_refused_with_PermissionDenied()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var nsmgr = scenario.Simulator.NsmgrAddress("nsmgr-1");
        using var plain = SecureNscChannel.Create(nsmgr, token: (_, _) => ("a-static-token", DateTimeOffset.UtcNow.AddMinutes(10)));
        var plainId = NscScenario.NewId("static");

        var refused = await Assert.ThrowsAsync<RpcException>(() =>
            new NetworkService.NetworkServiceClient(plain.CallInvoker).RequestAsync(NscScenario.NewRequest(plainId)).ResponseAsync);
        var id = NscScenario.NewId("ours");
        var requestedAt = DateTimeOffset.UtcNow;
        var snapshot = await cluster.Connection(id).Request(scenario.RequestFor(id));

        Assert.Equal(StatusCode.PermissionDenied, refused.StatusCode);
        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        var token = NsmTokens.Read((await AtNsmgr(nsmgr, id)).Path.PathSegments[0].Token)!;
        Assert.Equal(DevelopmentTrust.WorkloadApi.Workload.ToString(), token.Subject);
        Assert.Equal([scenario.Simulator.IdentityOf("nsmgr-1")!.ToString()], token.Audiences);
        // exp is the earliest of 10 min after signing and the signing SVID's NotAfter: development SVIDs live 10 min and
        // rotate every 5, so the one that signed had at least 5 min left, and no later SVID ends sooner.
        Assert.InRange(token.Expires, requestedAt.AddMinutes(4), DateTimeOffset.UtcNow.AddMinutes(10));
        Assert.True(token.Expires <= DevelopmentTrust.WorkloadApi.Current.NotAfter, $"token expires {token.Expires:o}, after the SVID");
        Assert.Equal(StatusCode.OK, Assert.Single(scenario.Simulator.Records.Requests(id)).Outcome);
        await Eventually.True(() => scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1") == 1, "the monitor stream over mTLS");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Over_the_nsmgrs_unix_socket_the_same_mtls_and_tokens_apply()
    {
        var socket = DevelopmentTrust.NewSocketPath().Replace("agent.sock", "nsm.io.sock", StringComparison.Ordinal);
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a").AddNse("nse-1", "ns-1").WithUnixSocket(socket))
            .Build();
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, topology);
        var id = NscScenario.NewId("unix");

        var snapshot = await cluster.Connection(id).Request(scenario.RequestFor(id) with { NsmgrAddress = "unix://" + socket });

        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        var atNsmgr = await AtNsmgr(scenario.Simulator.NsmgrAddress("nsmgr-1"), id, unixSocket: socket);
        Assert.Equal(DevelopmentTrust.WorkloadApi.Workload.ToString(), NsmTokens.Read(atNsmgr.Path.PathSegments[0].Token)!.Subject);
    }

    [Fact]
    public async Task A_workload_api_that_is_not_there_at_start_fails_the_silo_naming_the_socket()
    {
        var socket = DevelopmentTrust.NewSocketPath();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => HealingCluster.StartAsync(silos: 1, identity: options =>
        {
            options.WorkloadApiSocket = socket;
            options.StartupTimeout = TimeSpan.FromSeconds(1);
        }));

        Assert.Contains($"no X.509-SVID from the SPIFFE Workload API at {socket}", error.ToString());
        Assert.Contains("Nsm:Identity:StartupTimeout", error.ToString());
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Identity_lost_mid_run_holds_the_heal_and_it_resumes_on_the_same_endpoint_when_identity_returns()
    {
        await using var agent = await FakeWorkloadApi.StartAsync(
            DevelopmentTrust.Authority, DevelopmentTrust.NewSocketPath(), DevelopmentTrust.Authority.IdOf("/nsm-healing-short"), TimeSpan.FromSeconds(10));
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options =>
        {
            options.WorkloadApiSocket = agent.SocketPath;
            options.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200);
        });
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("identity-lost");
        var grain = await scenario.ConnectAsync(id);
        var endpoint = scenario.Simulator.WiringOf(id)!.Endpoint;

        // The agent goes away and the silo's last SVID runs out; then the NSMgr restarts, which calls for a restore.
        await agent.StopAsync();
        await Eventually.True(() => DateTimeOffset.UtcNow > agent.Current.NotAfter, "the silo's last SVID expired", TimeSpan.FromSeconds(15));
        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(100));

        var held = await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.Reason?.StartsWith("identity unavailable:", StringComparison.Ordinal) == true);
        Assert.Contains(agent.SocketPath, held.Reason);
        Assert.DoesNotContain("BEGIN", held.Reason);

        agent.Rotate(TimeSpan.FromMinutes(5));
        await agent.StartAsync();

        var restored = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        var heal = Assert.Single(restored.History);
        Assert.Equal(HealDecision.Restore, heal.Decision);
        Assert.False(heal.Escalated);
        Assert.Equal(endpoint, heal.EndpointAfter);
        // Our last token expired with our last SVID, and the NSMgr timed the connection out then, as cmd-nsmgr does; the
        // service itself closed nothing.
        Assert.DoesNotContain(scenario.Simulator.Records.Closes(id), c => c.Reason != Nsm.Simulator.Recording.CloseReason.Expired);
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(id), r => r.Reselect);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task An_nsmgr_that_refuses_our_tokens_holds_the_heal_and_it_is_never_counted_as_a_rejected_restore()
    {
        // A token that is already expired when it arrives: the NSMgr answers PermissionDenied (tokens_expired) to each call.
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.MaxTokenLifetime = TimeSpan.FromTicks(1));
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("refused");
        var request = NscScenario.NewRequest(id);
        request.Connection.Path = new Nsm.Api.Path { PathSegments = { new PathSegment { Name = "nsc-own", Id = id } } };
        using var nsc = SecureNscChannel.Create(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var established = await new NetworkService.NetworkServiceClient(nsc.CallInvoker).RequestAsync(request);
        var grain = cluster.Connection(id);
        var policy = NscScenario.FastPolicy with { RestoreAttemptsBeforeReselect = 2 };
        await grain.Adopt(new AdoptRequest { NsmgrAddress = scenario.Simulator.NsmgrAddress("nsmgr-1"), Connection = established, MechanismPreferences = request.MechanismPreferences.ToList(), Policy = policy });

        await grain.HealNow();

        await Eventually.True(() => scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.PermissionDenied) >= 4, "four refused restores, twice RestoreAttemptsBeforeReselect");
        var held = await grain.GetState();
        Assert.Equal(ConnectionPhase.Healing, held.Phase);
        Assert.StartsWith("identity unavailable:", held.Reason);
        Assert.Contains("PermissionDenied", held.Reason);
        Assert.Contains("tokens_expired", held.Reason);
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(id), r => r.Reselect);
        Assert.Empty(scenario.Simulator.Records.Closes(id));
        Assert.Equal(established.NetworkServiceEndpointName, scenario.Simulator.WiringOf(id)!.Endpoint);
        await grain.Close();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Svid_rotation_during_a_heal_storm_refuses_nothing_and_moves_nothing()
    {
        await using var agent = await FakeWorkloadApi.StartAsync(
            DevelopmentTrust.Authority, DevelopmentTrust.NewSocketPath(), DevelopmentTrust.Authority.IdOf("/nsm-healing-rotating"), TimeSpan.FromMinutes(1), rotateEvery: TimeSpan.FromMilliseconds(300));
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.WorkloadApiSocket = agent.SocketPath);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var ids = Enumerable.Range(0, 30).Select(i => NscScenario.NewId($"rotation-{i}")).ToList();
        var grains = await Task.WhenAll(ids.Select(id => scenario.ConnectAsync(id)));
        var issuedBefore = agent.Issued;

        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(500));

        foreach (var grain in grains)
        {
            await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        }

        Assert.True(agent.Issued > issuedBefore + 1, "SVIDs rotated during the storm");
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(), r => r.Outcome == StatusCode.PermissionDenied);
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(), r => r.Reselect);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_token_never_outlives_the_nsmgrs_certificate()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        scenario.Simulator.RenewNsmgrCertificate("nsmgr-1", TimeSpan.FromSeconds(90));
        var id = NscScenario.NewId("short-cert");

        var snapshot = await cluster.Connection(id).Request(scenario.RequestFor(id));

        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        var token = NsmTokens.Read((await AtNsmgr(scenario.Simulator.NsmgrAddress("nsmgr-1"), id)).Path.PathSegments[0].Token)!;
        Assert.InRange(token.Expires, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddSeconds(90));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task An_nsmgr_off_the_allow_list_is_refused_as_identity_trouble_and_nothing_is_stored()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.AllowedNsmgrIds = ["spiffe://nsm.test/nsm/nsmgr-9"]);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("not-allowed");

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => cluster.Connection(id).Request(scenario.RequestFor(id)));

        Assert.Equal("Unauthenticated", error.StatusCode);
        Assert.Contains("is not on the allow-list", error.Message);
        Assert.Equal(ConnectionPhase.None, (await cluster.Connection(id).GetState()).Phase);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    /// <summary>
    /// The connection as the NSMgr holds it, read from its monitor snapshot: what the silo serves carries no tokens, so the
    /// token it sent is checked where the NSMgr wrote it (the caller's path segment).
    /// </summary>
    private static async Task<Connection> AtNsmgr(string nsmgr, string id, string? unixSocket = null)
    {
        using var nsc = SecureNscChannel.Create(nsmgr, unixSocket: unixSocket);
        using var stream = new MonitorConnection.MonitorConnectionClient(nsc.CallInvoker).MonitorConnections(new MonitorScopeSelector());
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        return stream.ResponseStream.Current.Connections.Values.Single(connection => connection.Path.PathSegments[0].Id == id);
    }
}
