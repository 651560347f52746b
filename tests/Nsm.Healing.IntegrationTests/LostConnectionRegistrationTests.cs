using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A registration whose connection has no state (what a stopped Development silo leaves behind: the monitor's list
/// survived, the connection's state did not) is forgotten when the supervisors wake the NSMgr's connections after
/// the membership change, so the registry names only connections that exist.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class LostConnectionRegistrationTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Waking_an_nsmgrs_connections_forgets_registrations_without_a_connection_and_keeps_the_rest()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 2));
        var live = NscScenario.NewId("live");
        await scenario.ConnectAsync(live);
        var monitor = fixture.Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var lost = NscScenario.NewId("lost");
        await monitor.Register(lost);
        var onlyLost = NscScenario.NewId("only-lost");
        var otherMonitor = fixture.Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-2"));
        await otherMonitor.Register(onlyLost);
        var directory = fixture.Cluster.Client.GetGrain<IMonitorDirectoryGrain>(0);
        Assert.Contains(scenario.Simulator.NsmgrAddress("nsmgr-2"), await directory.List());
        Assert.Equal(ConnectionPhase.None, (await fixture.Cluster.Connection(lost).GetState()).Phase);

        // What every silo's supervisor does when a silo leaves the cluster.
        await monitor.WakeConnections(membershipVersion: 1);
        await otherMonitor.WakeConnections(membershipVersion: 1);

        await Eventually.True(async () => (await monitor.GetConnectionIds()).SequenceEqual([live]), "the lost registration to be forgotten");
        await Eventually.True(async () => !(await directory.List()).Contains(scenario.Simulator.NsmgrAddress("nsmgr-2")),
            "the NSMgr with no connection left to leave the directory");
        Assert.Empty(await otherMonitor.GetConnectionIds());
        Assert.Equal(ConnectionPhase.Up, (await fixture.Cluster.Connection(live).GetState()).Phase);
        await Eventually.True(() => scenario.Simulator.Records.OpenMonitorStreams("nsmgr-2") == 0, "no stream to an NSMgr nobody is registered with");
    }
}
