using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The NSMgr holds a connection only as long as the token we sent, and times it out then, as cmd-nsmgr does (here a
/// token lives 3 s, the path 10 min): refreshes come before our token expires, and a Close after it is recorded as too late.
/// </summary>
public sealed class TokenWindowTests
{
    private static readonly TimeSpan ShortToken = TimeSpan.FromSeconds(3);
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1, tokenLifetime: TimeSpan.FromMinutes(10));

    [Fact]
    public async Task Refreshes_come_before_our_short_token_expires_so_the_nsmgr_never_times_the_connection_out()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.MaxTokenLifetime = ShortToken);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("short-token");
        var grain = await scenario.ConnectAsync(id);

        // Refreshes every fifth of 3 s: a dozen span more than two of our tokens' lifetimes.
        await Eventually.True(() => scenario.Simulator.Records.Requests(id).Count(r => r.Outcome == StatusCode.OK) >= 12, "a dozen refreshes");

        var state = await grain.GetState();
        Assert.Equal(ConnectionPhase.Up, state.Phase);
        Assert.True(state.NextRefreshAt - DateTimeOffset.UtcNow <= ShortToken, $"next refresh at {state.NextRefreshAt:O}, beyond our token's lifetime");
        Assert.Empty(state.History);
        Assert.Empty(scenario.Simulator.Records.Closes(id));
        Assert.Contains(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }

    [Fact]
    public async Task A_close_after_our_token_expired_goes_out_and_the_connection_says_it_was_too_late()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.MaxTokenLifetime = ShortToken);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("too-late");
        var grain = await scenario.ConnectAsync(id);

        // The NSMgr fails every Request: refreshes and restores fail until it times the connection out on our token.
        scenario.Simulator.Faults.SetRequestFailureProbability(1.0, seed: 5, nsmgr: "nsmgr-1");
        await Eventually.True(() => scenario.Simulator.Records.Closes(id, reason: CloseReason.Expired).Count == 1, "the NSMgr to time the connection out");
        await grain.Close();

        var closed = await grain.GetState();
        Assert.Equal(ConnectionPhase.Closed, closed.Phase);
        Assert.StartsWith("closed by the NSC; too late: the Close went out after our last token expired at ", closed.Reason);
        var expired = Assert.Single(scenario.Simulator.Records.Closes(id, reason: CloseReason.Expired));
        var close = Assert.Single(scenario.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.Equal(StatusCode.OK, close.Outcome);
        Assert.True(close.Timestamp > expired.Timestamp);
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }
}
