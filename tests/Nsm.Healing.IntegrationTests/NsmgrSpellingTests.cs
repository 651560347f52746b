using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// One NSMgr written several ways (as NSM, an NSC or <c>new Uri(..).ToString()</c> write it) is one NSMgr: one monitor
/// grain, one stream, one directory entry, one admission queue, and every connection names it the same way.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class NsmgrSpellingTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Connections_registered_under_several_spellings_of_one_nsmgr_share_one_monitor_stream()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var canonical = scenario.Simulator.NsmgrAddress("nsmgr-1");
        var port = new Uri(canonical).Port;
        var scheme = new Uri(canonical).Scheme;
        // The simulator serves mTLS (https://); tcp:// is the h2c spelling, covered by NsmgrAddressTests.
        string[] spellings = [canonical, $"{canonical}/", $"{scheme.ToUpperInvariant()}://127.0.0.1:{port}/"];
        var ids = new List<string>();

        foreach (var spelling in spellings)
        {
            var id = NscScenario.NewId("spelling");
            ids.Add(id);
            var snapshot = await fixture.Cluster.Connection(id).Request(scenario.RequestFor(id) with { NsmgrAddress = spelling });
            Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
            Assert.Equal(canonical, snapshot.NsmgrAddress);
        }

        await scenario.WaitForMonitorStream();
        await Eventually.True(async () => (await fixture.Cluster.Monitor(canonical).GetStatus()).RegisteredConnections == spellings.Length,
            "every connection to be registered with the one monitor grain");
        var directory = await fixture.Cluster.Client.GetGrain<IMonitorDirectoryGrain>(0).List();
        Assert.Equal([canonical], directory.Where(address => address.Contains($":{port}", StringComparison.Ordinal)));
        Assert.Equal(1, scenario.Simulator.Records.OpenMonitorStreams("nsmgr-1"));

        foreach (var id in ids)
        {
            await fixture.Cluster.Connection(id).Close();
        }
    }
}
