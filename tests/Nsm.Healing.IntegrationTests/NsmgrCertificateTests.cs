using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Identity;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The NSMgr's own certificate changes under held connections: a renewed one is what new TLS connections verify and
/// what tokens are bounded by; an expired one is refused by name, holds the heals as identity trouble (nothing moves or
/// closes), and they resume on the same endpoint once the NSMgr presents a valid certificate again.
/// </summary>
public sealed class NsmgrCertificateTests
{
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1, nsesPerNode: 2);

    [Fact]
    public async Task An_nsmgr_certificate_that_expires_under_held_connections_is_refused_by_name_and_a_renewed_one_is_used()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var nsmgr = scenario.Simulator.NsmgrAddress("nsmgr-1");
        var ids = Enumerable.Range(0, 3).Select(i => NscScenario.NewId($"nsmgr-cert-{i}")).ToList();
        var grains = await Task.WhenAll(ids.Select(id => scenario.ConnectAsync(id)));
        var endpoints = ids.ToDictionary(id => id, id => scenario.Simulator.WiringOf(id)!.Endpoint);

        // The NSMgr renews its SVID with one that runs out in seconds. Over the connection opened before, it now signs its
        // path segment with the new key: a heal's answer is checked against its current certificate, asked for anew.
        var shortLived = DateTimeOffset.UtcNow.AddSeconds(3);
        scenario.Simulator.RenewNsmgrCertificate("nsmgr-1", shortLived - DateTimeOffset.UtcNow);
        await grains[0].HealNow();
        await Eventually.Phase(grains[0], ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Empty(scenario.Simulator.Records.Closes(ids[0]));
        await Eventually.True(() => DateTimeOffset.UtcNow > shortLived.AddSeconds(1), "the NSMgr's renewed certificate to expire");

        // A restart drops the connections: the new handshakes meet the expired certificate, and refuse it.
        var refusedFrom = scenario.Simulator.Records.Requests().Count;
        await scenario.Simulator.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(100));
        foreach (var grain in grains)
        {
            var held = await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.Reason?.Contains("certificate expired at", StringComparison.Ordinal) == true);
            Assert.StartsWith("identity unavailable:", held.Reason);
            Assert.Contains($"at NSMgr {nsmgr}", held.Reason);
            Assert.Contains($"mTLS refused the NSMgr: the peer {scenario.Simulator.IdentityOf("nsmgr-1")} certificate expired at", held.Reason);
        }

        Assert.Equal(refusedFrom, scenario.Simulator.Records.Requests().Count);

        // The NSMgr renews again: the heals resume on their endpoints, and tokens are bounded by the new certificate.
        var renewedUntil = DateTimeOffset.UtcNow.AddMinutes(3);
        scenario.Simulator.RenewNsmgrCertificate("nsmgr-1", renewedUntil - DateTimeOffset.UtcNow);
        foreach (var (id, grain) in ids.Zip(grains))
        {
            var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.CurrentHeal is null && s.History.Count >= 1);
            Assert.All(healed.History, heal => Assert.Equal(HealDecision.Restore, heal.Decision));
            Assert.Equal(endpoints[id], scenario.Simulator.WiringOf(id)!.Endpoint);
        }

        await grains[1].HealNow();
        await Eventually.Phase(grains[1], ConnectionPhase.Up, s => s.History.Count == 2);
        var token = NsmTokens.Read((await AtNsmgr(nsmgr, ids[1])).Path.PathSegments[0].Token)!;
        Assert.True(token.Expires <= renewedUntil, $"token expires {token.Expires:O}, after the NSMgr's certificate ({renewedUntil:O})");
        Assert.Empty(ids.SelectMany(id => scenario.Simulator.Records.Closes(id)));
        Assert.DoesNotContain(scenario.Simulator.Records.Requests(), r => r.Reselect || r.Outcome != StatusCode.OK && r.Outcome != StatusCode.Unavailable);
    }

    /// <summary>The connection as the NSMgr holds it, with the token we sent in our own segment (read from its monitor).</summary>
    private static async Task<Connection> AtNsmgr(string nsmgr, string id)
    {
        using var nsc = SecureNscChannel.Create(nsmgr);
        using var stream = new MonitorConnection.MonitorConnectionClient(nsc.CallInvoker).MonitorConnections(new MonitorScopeSelector());
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        return stream.ResponseStream.Current.Connections.Values.Single(connection => connection.Path.PathSegments[0].Id == id);
    }
}
