using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The orphan audit over real sockets: every snapshot of an NSMgr is compared with what the cluster owns; a connection
/// carrying our identity that no grain owns is closed there, once; a connection that is not ours is never touched.
/// </summary>
[Collection(AuditClusterCollection.Name)]
public sealed class OrphanAuditTests(AuditClusterFixture fixture)
{
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1);

    /// <summary>The healing service's SPIFFE ID in every test: the development Workload API's.</summary>
    private static string Us => DevelopmentTrust.Authority.IdOf("/nsm-healing").ToString();

    [Fact]
    public async Task An_orphan_planted_at_the_nsmgr_is_found_and_closed_once_and_counted()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, OneNode);
        var monitor = fixture.Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        await scenario.ConnectAsync(NscScenario.NewId("keeper"));
        var orphan = NscScenario.NewId("orphan");
        var closedBefore = (await monitor.GetStatus()).OrphansClosed;

        scenario.Simulator.PlantConnection("nsmgr-1", orphan, Us, "ns-1");

        await Eventually.True(() => !scenario.Simulator.ConnectionsAt("nse-1").Contains(orphan), "the orphan to be closed at its NSE",
            diagnostics: () => System.Text.Json.JsonSerializer.Serialize(monitor.GetStatus().GetAwaiter().GetResult()));
        var close = Assert.Single(scenario.Simulator.Records.Closes(orphan));
        Assert.Equal((CloseReason.Client, StatusCode.OK, "nse-1"), (close.Reason, close.Outcome, close.Endpoint));
        Assert.Empty(scenario.Simulator.Records.Requests(orphan));
        Assert.DoesNotContain(orphan, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
        await Eventually.True(async () => (await monitor.GetStatus()).OrphansClosed == closedBefore + 1, "the orphan to be counted at its NSMgr");
        // Its grain never held it: the audit records the orphan, it does not adopt it.
        Assert.Equal(ConnectionPhase.None, (await fixture.Cluster.Connection(orphan).GetState()).Phase);

        var audits = (await monitor.GetStatus()).OrphanAudits;
        await Eventually.True(async () => (await monitor.GetStatus()).OrphanAudits >= audits + 2, "two more audits");
        Assert.Single(scenario.Simulator.Records.Closes(orphan));
    }

    [Fact]
    public async Task A_connection_that_is_not_ours_is_left_alone_audit_after_audit()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, OneNode);
        var monitor = fixture.Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        await scenario.ConnectAsync(NscScenario.NewId("keeper"));
        var foreign = NscScenario.NewId("foreign");

        scenario.Simulator.PlantConnection("nsmgr-1", foreign, "spiffe://nsm.test/some-other-nsc", "ns-1");
        var audits = (await monitor.GetStatus()).OrphanAudits;

        await Eventually.True(async () => (await monitor.GetStatus()).OrphanAudits >= audits + 3, "three audits that saw it");
        Assert.Empty(scenario.Simulator.Records.Closes(foreign));
        Assert.Contains(foreign, scenario.Simulator.ConnectionsAt("nse-1"));
        var last = (await monitor.GetStatus()).LastOrphanAudit!;
        Assert.True(last.Foreign >= 1, $"the foreign connection counted as not ours (saw {last.Foreign})");
        Assert.Equal(0, last.Suspects);
    }
}
