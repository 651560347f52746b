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
    public async Task A_close_lost_at_an_nsmgr_restart_is_resent_after_a_restore_and_nothing_is_left_at_the_nse()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1);
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("restart-close");
        var grain = await scenario.ConnectAsync(id);

        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        var closedAt = DateTimeOffset.UtcNow;
        await grain.Close();
        Assert.Equal(ConnectionPhase.Closing, (await grain.GetState()).Phase);
        // While it is down, each retry (its restore first) goes unanswered too.
        await Eventually.True(() => Attempts(scenario, id, since: closedAt).Count >= 2, "the Close to be retried");
        scenario.Simulator.Faults.StartNsmgr("nsmgr-1");

        await Eventually.Phase(grain, ConnectionPhase.Closed);
        // The restarted NSMgr forgot the connection; a bare Close would have been answered with success and passed on
        // nowhere. Restored first (same endpoint), it is closed along its path.
        var accepted = scenario.Simulator.Records.Requests(id).Where(r => r.Outcome == StatusCode.OK).ToList();
        Assert.Equal(["nse-1", "nse-1"], accepted.Select(r => r.Endpoint));
        var closed = Assert.Single(scenario.Simulator.Records.Closes(id), c => c.Outcome == StatusCode.OK);
        Assert.Equal("nse-1", closed.Endpoint);
        Assert.Empty(scenario.Simulator.ConnectionsAt("nse-1"));
        Assert.Null(scenario.Simulator.WiringOf(id));
        Assert.Empty(scenario.Simulator.Records.Duplicates(id));
        Assert.Null(await cluster.BackstopReminderOf(grain));
        // And the NSMgr's snapshot confirms it: nothing of ours is left there.
        Assert.DoesNotContain(id, scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }

    [Fact]
    public async Task A_close_never_confirmed_before_our_token_expires_ends_abandoned_with_every_close_sent_before_it()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, identity: options => options.MaxTokenLifetime = TimeSpan.FromSeconds(3));
        await using var scenario = await NscScenario.StartAsync(cluster, OneNode);
        var id = NscScenario.NewId("abandoned");
        var grain = await scenario.ConnectAsync(id);

        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");
        var closedAt = DateTimeOffset.UtcNow;
        await grain.Close();

        var abandoned = await Eventually.Phase(grain, ConnectionPhase.Abandoned);
        const string Prefix = "Close not confirmed before token expiry at ";
        Assert.StartsWith(Prefix, abandoned.Reason);
        var deadline = DateTimeOffset.Parse(abandoned.Reason![Prefix.Length..], CultureInfo.InvariantCulture);
        // Every try after the first (and the first too, when the grain already heard of the outage and was restoring)
        // begins with the restore that re-teaches a restarted NSMgr the connection; none was answered.
        var attempts = Attempts(scenario, id, since: closedAt);
        Assert.True(attempts.Count >= 2, $"the Close retried with backoff, saw {attempts.Count} attempts");
        Assert.All(attempts, attempt =>
        {
            Assert.Equal(StatusCode.Unavailable, attempt.Outcome);
            Assert.True(attempt.Timestamp < deadline, $"an attempt at {attempt.Timestamp:O}, after our token expired at {deadline:O}");
        });
        Assert.Null(await cluster.BackstopReminderOf(grain));
        // Meanwhile the fabric timed the connection out on that token, as NSM's servers do.
        await Eventually.True(() => scenario.Simulator.Records.Closes(id, reason: CloseReason.Expired).Count == 1, "the wiring to expire");
    }

    /// <summary>The Closes and Requests the NSMgr saw for <paramref name="id"/> since <paramref name="since"/>, in order.</summary>
    private static List<(DateTimeOffset Timestamp, StatusCode Outcome)> Attempts(NscScenario scenario, string id, DateTimeOffset since) =>
        [.. scenario.Simulator.Records.Closes(id, reason: CloseReason.Client).Select(c => (c.Timestamp, c.Outcome))
            .Concat(scenario.Simulator.Records.Requests(id).Select(r => (r.Timestamp, r.Outcome)))
            .Where(a => a.Timestamp >= since)
            .OrderBy(a => a.Timestamp)];
}
