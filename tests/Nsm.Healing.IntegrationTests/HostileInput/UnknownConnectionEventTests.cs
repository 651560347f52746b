using Nsm.Api;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// Monitor events about connections this NSMgr's monitor does not own — closed ones, ones behind another NSMgr, ids
/// nobody ever had, and entries whose map key is ours but whose path is not — are counted as unmatched and reach no
/// grain: nothing heals, nothing is activated into state, and the stream stays up.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class UnknownConnectionEventTests(ClusterFixture fixture)
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Events_about_connections_this_monitor_does_not_own_reach_no_grain()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 2, nsesPerNode: 2));
        var watched = await scenario.ConnectAsync(NscScenario.NewId("watched"));
        var closedId = NscScenario.NewId("closed");
        await (await scenario.ConnectAsync(closedId)).Close();
        var elsewhereId = NscScenario.NewId("elsewhere");
        var elsewhere = await scenario.ConnectAsync(elsewhereId, nsmgr: "nsmgr-2");
        var neverId = NscScenario.NewId("never");
        var watchedId = watched.GetPrimaryKeyString();
        var monitor = fixture.Cluster.Monitor(scenario.Simulator.NsmgrAddress("nsmgr-1"));
        var before = await monitor.GetStatus();

        scenario.Simulator.Faults.InjectMonitorEvent("nsmgr-1", new ConnectionEvent
        {
            Type = ConnectionEventType.Update,
            Connections =
            {
                ["a"] = DownWithClientSegment(closedId),
                ["b"] = DownWithClientSegment(elsewhereId),
                ["c"] = DownWithClientSegment(neverId),
                // Keyed by our id, but its path says it is someone else's: matched by path, never by key.
                [watchedId] = DownWithClientSegment("someone-else"),
            },
        });
        scenario.Simulator.Faults.InjectMonitorEvent("nsmgr-1", new ConnectionEvent
        {
            Type = ConnectionEventType.Delete,
            Connections = { ["d"] = DownWithClientSegment(neverId) },
        });

        await Eventually.True(async () => (await monitor.GetStatus()).EventsUnmatched >= before.EventsUnmatched + 5, "the five unknown entries to be counted");
        var after = await monitor.GetStatus();
        Assert.Equal(before.EventsDelivered, after.EventsDelivered);
        Assert.Equal(before.StreamLosses, after.StreamLosses);
        Assert.True(after.StreamConnected);
        Assert.Equal(ConnectionPhase.Closed, (await fixture.Cluster.Connection(closedId).GetState()).Phase);
        Assert.Equal(ConnectionPhase.None, (await fixture.Cluster.Connection(neverId).GetState()).Phase);
        Assert.Empty((await fixture.Cluster.Connection(neverId).GetState()).History);
        Assert.Equal((ConnectionPhase.Up, 0), await PhaseAndHeals(elsewhere));
        Assert.Equal((ConnectionPhase.Up, 0), await PhaseAndHeals(watched));
    }

    private static async Task<(ConnectionPhase, int)> PhaseAndHeals(IConnectionGrain grain)
    {
        var state = await grain.GetState();
        return (state.Phase, state.History.Count + (state.CurrentHeal is null ? 0 : 1));
    }

    private static Connection DownWithClientSegment(string clientId) => new()
    {
        Id = $"nsmgr-own-{clientId}",
        State = State.Down,
        Path = new Api.Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc", Id = clientId }, new PathSegment { Name = "nsmgr-1", Id = $"nsmgr-own-{clientId}" } } },
    };
}
