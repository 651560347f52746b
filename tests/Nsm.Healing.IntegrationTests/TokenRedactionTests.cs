using Nsm.Healing.IntegrationTests.Support;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Path tokens never leave the silo in what it serves about a connection, and the silo keeps using them.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TokenRedactionTests(ClusterFixture fixture)
{
    [Fact]
    public async Task Snapshots_and_watches_carry_no_path_token_while_the_silo_keeps_them_for_its_own_requests()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster);
        var id = NscScenario.NewId("redaction");
        var grain = await scenario.ConnectAsync(id);
        await using var watch = grain.Watch().GetAsyncEnumerator();

        var state = await grain.GetState();
        Assert.True(await watch.MoveNextAsync());

        foreach (var served in new[] { state, watch.Current })
        {
            Assert.True(served.Connection!.Path.PathSegments.Count >= 4);
            Assert.All(served.Connection.Path.PathSegments, segment => Assert.Equal("", segment.Token));
        }

        // Storage still holds them: a restore resends the stored request, tokens included.
        await grain.HealNow();
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(2, scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == Grpc.Core.StatusCode.OK));
    }
}
