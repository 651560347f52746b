using System.Globalization;
using Grpc.Core;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The service keeps custody of a Close the NSMgr cannot take: re-sent until confirmed while our last token is valid,
/// and the connection Abandoned, visibly, when it never is.
/// </summary>
public sealed class CloseCustodyTests
{
    private static readonly SimulatorTopology OneNode = SimulatorTopology.Default(nodes: 1, tokenLifetime: TimeSpan.FromMinutes(10));

    [Fact]
    public async Task A_close_the_stopped_nsmgr_cannot_take_is_resent_until_it_confirms_and_nothing_is_left_at_the_nse()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("close-custody");
        var grain = await scenario.ConnectAsync(id);
        var nse = scenario.Simulator.WiringOf(id)!.Endpoint;

        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        await grain.Close();

        var owed = await grain.GetState();
        Assert.Equal(ConnectionPhase.Closing, owed.Phase);
        Assert.NotNull(owed.NextAttemptAt);
        Assert.Contains(id, scenario.Simulator.ConnectionsAt(nse));
        await Eventually.True(() => scenario.Simulator.Records.Closes(id).Count(c => c.Outcome == StatusCode.Unavailable) >= 2, "the Close to be re-sent");

        scenario.Simulator.Faults.StartNsmgr("nsmgr-1");

        await Eventually.Phase(grain, ConnectionPhase.Closed);
        Assert.Single(scenario.Simulator.Records.Closes(id), c => c.Outcome == StatusCode.OK);
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsAt(nse));
        Assert.Null(scenario.Simulator.WiringOf(id));
        Assert.Null(await cluster.BackstopReminderOf(grain));
    }

    [Fact]
    public async Task A_close_never_confirmed_before_our_token_expires_ends_abandoned_with_every_close_sent_before_it()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.MaxTokenLifetime = TimeSpan.FromSeconds(3));
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("abandoned");
        var grain = await scenario.ConnectAsync(id);

        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        await grain.Close();

        var abandoned = await Eventually.Phase(grain, ConnectionPhase.Abandoned);
        const string Prefix = "Close not confirmed before token expiry at ";
        Assert.StartsWith(Prefix, abandoned.Reason);
        var deadline = DateTimeOffset.Parse(abandoned.Reason![Prefix.Length..], CultureInfo.InvariantCulture);
        var closes = scenario.Simulator.Records.Closes(id, reason: CloseReason.Client);
        Assert.True(closes.Count >= 2, $"the Close re-sent with backoff, saw {closes.Count}");
        Assert.All(closes, close =>
        {
            Assert.Equal(StatusCode.Unavailable, close.Outcome);
            Assert.True(close.Timestamp < deadline, $"a Close at {close.Timestamp:O}, after our token expired at {deadline:O}");
        });
        Assert.Null(await cluster.BackstopReminderOf(grain));
        // Meanwhile the fabric timed the connection out on that token, as NSM's servers do.
        await Eventually.True(() => scenario.Simulator.Records.Closes(id, reason: CloseReason.Expired).Count == 1, "the wiring to expire");
    }
}
