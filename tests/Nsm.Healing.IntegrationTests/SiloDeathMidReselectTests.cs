using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;
using Xunit.Abstractions;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A silo killed between the NSMgr accepting a reselect and the grain storing its answer takes that answer with it. The
/// activation that takes the heal over must not move the workload a second time for the one data-plane fault (the
/// chaos run's seed 1 found it doing so): it asks the NSMgr what it holds and refreshes the connection there.
/// </summary>
public sealed class SiloDeathMidReselectTests(ITestOutputHelper output)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task A_reselect_accepted_just_before_its_silo_died_is_kept_by_the_activation_that_takes_over()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 3, processWideStorage: true);
        await using var scenario = await NscScenario.StartAsync(cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 3));
        var id = NscScenario.NewId("silo-dies-mid-reselect");
        var grain = await scenario.ConnectAsync(id);
        var before = (await grain.GetState()).Connection!;

        // Every silo holds the connection's next write: the one hosting it reaches its hold (the reselect's claim).
        var claims = cluster.Cluster.Silos.Select((_, silo) => cluster.StorageOf(silo).HoldNextWrite(id)).ToList();
        await grain.ReportDataPlane(DataPlaneVerdict.Down, before);
        var first = await Task.WhenAny(claims.Select(c => c.Reached)).WaitAsync(TimeSpan.FromSeconds(20));
        var reached = claims.Single(c => c.Reached == first);
        var host = claims.IndexOf(reached);
        foreach (var other in claims.Where(c => c != reached))
        {
            other.Release();
        }

        // The claim and the stored Close go through; the write of the reselect's answer is held, then the silo dies with
        // it unwritten.
        var closed = cluster.StorageOf(host).HoldNextWrite(id);
        reached.Release();
        await closed.Reached.WaitAsync(TimeSpan.FromSeconds(20));
        var answer = cluster.StorageOf(host).HoldNextWrite(id);
        closed.Release();
        await answer.Reached.WaitAsync(TimeSpan.FromSeconds(20));
        var reselect = Assert.Single(scenario.Simulator.Records.Requests(id), r => r.Reselect && r.Outcome == StatusCode.OK);
        Assert.NotEqual(before.NetworkServiceEndpointName, reselect.Endpoint);
        output.WriteLine($"reselected to {reselect.Endpoint}; killing silo {host}, which held the answer");
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[host]);

        var healed = await Eventually.Phase(
            cluster.Connection(id), ConnectionPhase.Up, s => s.History.Count == 1, TimeSpan.FromSeconds(90));

        Assert.Equal(reselect.Endpoint, healed.Endpoint);
        Assert.Single(scenario.Simulator.Records.Requests(id), r => r.Reselect && r.Outcome == StatusCode.OK);
        Assert.Equal(HealDecision.Reselect, healed.History[0].Decision);
        Assert.Equal(reselect.Endpoint, healed.History[0].EndpointAfter);
        Assert.Equal(reselect.Endpoint, scenario.Simulator.WiringOf(id)!.Endpoint);
        Assert.Empty(scenario.Simulator.Records.Duplicates());
    }
}
