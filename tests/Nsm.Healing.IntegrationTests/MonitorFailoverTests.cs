using System.Diagnostics;
using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Topology;
using Xunit.Abstractions;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// Invariant 5: when the silo holding an NSMgr's stream dies, the stream comes back on another silo within seconds
/// of the death being declared, and healing goes on. A real in-process silo kill plus membership; state lives in
/// process-wide storage so only the activations and the stream die with the silo.
/// </summary>
public sealed class MonitorFailoverTests(ITestOutputHelper output)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Killing_the_silo_that_holds_the_stream_moves_it_to_another_silo_and_healing_goes_on()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 3, processWideStorage: true);
        await using var scenario = await NscScenario.StartAsync(cluster, SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var ids = Enumerable.Range(0, 20).Select(i => NscScenario.NewId($"failover-{i}")).ToList();
        foreach (var id in ids)
        {
            await scenario.ConnectAsync(id);
        }

        var monitor = cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var before = await monitor.GetStatus();
        var host = cluster.Cluster.Silos.Single(s => s.SiloAddress.ToString() == before.Silo);
        var clock = Stopwatch.StartNew();

        await cluster.Cluster.KillSiloAsync(host);

        MonitorStatus after = before;
        await Eventually.True(async () =>
            {
                after = await monitor.GetStatus();
                return after.Epoch > before.Epoch && after.StreamConnected && scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1") == 1;
            },
            "the stream to come back on another silo", TimeSpan.FromSeconds(60));
        output.WriteLine($"stream back on {after.Silo} {clock.Elapsed.TotalSeconds:0.00} s after the kill of {before.Silo}");
        Assert.NotEqual(before.Silo, after.Silo);
        Assert.Equal(ids.Count, after.RegisteredConnections);
        Assert.True(scenario.Simulator.Records.MonitorStreamsOpened("nsmgr-1") >= 2);

        // A DOWN after the failover is seen by the new stream and healed.
        var victim = ids[0];
        var endpointBefore = scenario.Simulator.WiringOf(victim)!.Endpoint;
        scenario.Simulator.Faults.KillForwarder(scenario.Simulator.WiringOf(victim)!.Forwarders[0]);
        var healed = await Eventually.Phase(cluster.Connection(victim), ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History[0].Trigger);
        Assert.NotEqual(endpointBefore, healed.Endpoint);
        // The reselect's question to the NSMgr (what it holds) is a monitor stream of its own, closed once answered.
        await Eventually.True(() => scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1") == 1,
            () => $"one monitor stream open at nsmgr-1, the reselect's query ended (open: {scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1")})");
        Assert.Empty(scenario.Simulator.Records.Duplicates());
    }
}
