using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A Close answered with success is not proof: the NSMgr's snapshot, re-read after the Close, must no longer show the
/// connection; if it does, the Close goes out again. (A Close lost at an NSMgr restart: CloseCustodyTests.)
/// </summary>
[Collection(CustodyClusterCollection.Name)]
public sealed class VerifiedCleanupTests(CustodyClusterFixture fixture)
{
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1);

    [Fact]
    public async Task A_close_the_nsmgr_answers_but_loses_is_sent_again_once_its_snapshot_still_shows_the_connection()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, OneNode);
        await scenario.ConnectAsync(NscScenario.NewId("keeper"));
        var id = NscScenario.NewId("lost-close");
        var grain = await scenario.ConnectAsync(id);
        scenario.Simulator.Faults.LoseNextCloses("nsmgr-1", 1);

        await grain.Close();

        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
        await Eventually.True(() => !scenario.Simulator.ConnectionsAt("nse-1").Contains(id), "the snapshot to show it still there and the Close to be sent again");
        Assert.Equal([CloseReason.Lost, CloseReason.Client], scenario.Simulator.Records.Closes(id).Select(c => c.Reason));
        Assert.Equal("nse-1", scenario.Simulator.Records.Closes(id)[^1].Endpoint);
        Assert.Single(scenario.Simulator.Records.Requests(id));
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }
}
