using System.Diagnostics;
using Nsm.Healing.DurabilityTests.Support;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>Every silo dies at once: connection state and pending heals come back from Redis alone.</summary>
[Trait("Category", "Slow")]
public sealed class ClusterRestartTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_every_silo_mid_heal_resumes_the_heals_from_redis_on_new_silos()
    {
        await using var cluster = await DurableCluster.StartAsync(silos: 3, output);
        var ids = Connections.NewIds("restart", 200);
        var registered = await Connections.RegisterAsync(cluster.Client, cluster.NsmgrAddress, ids);
        var reselects = ids.Take(50).ToList();
        // Restores of connections the NSMgr still holds: its snapshot has them, so after the restart no monitor
        // reconciliation and no client wakes their grains. Only their reminders can.
        var restores = ids.Skip(50).Take(20).ToList();
        HeldNsmgr.Hold(cluster.Simulator);
        await HeldNsmgr.StartReselectsAsync(cluster.Client, cluster.Simulator, reselects);
        await HealsInFlight.StartRestoresAsync(cluster.Client, restores);
        var pending = reselects.Concat(restores).ToList();
        await HeldNsmgr.WaitUntilRetryingAsync(cluster.Simulator, pending);

        var ports = cluster.Silos.Select(s => s.Ports).ToList();
        var sinceKill = Stopwatch.StartNew();
        await Task.WhenAll(cluster.Silos.ToList().Select(cluster.KillAsync));
        // The client that registered the connections goes too: nothing outside the new silos may wake a grain.
        await cluster.DisconnectClientAsync();
        HeldNsmgr.Release(cluster.Simulator);
        // With every silo gone, the pending heals exist only in Redis: state, and a backstop reminder each.
        Assert.Equal(pending, await RedisReminders.WithBackstopAsync(cluster.Redis, cluster.ServiceId, pending));

        var restartedAt = DateTimeOffset.UtcNow;
        await cluster.StartSilosAsync(ports);
        var clusterBack = sinceKill.Elapsed;
        await Task.WhenAll(
            HealsInFlight.WaitUntilAcceptedAsync(cluster.Simulator, reselects, HealsInFlight.IsReselect, TimeSpan.FromSeconds(60)),
            HealsInFlight.WaitUntilAcceptedAsync(cluster.Simulator, restores, r => !r.Reselect && r.Timestamp > restartedAt, TimeSpan.FromSeconds(60)));
        var healedAtNsmgr = sinceKill.Elapsed;

        await cluster.ConnectClientAsync();
        var final = await Connections.WaitAllUpAsync(cluster.Client, ids, TimeSpan.FromSeconds(30));
        cluster.Note($"whole-cluster SIGKILL: new silos ready after {clusterBack.TotalSeconds:F1} s, every pending heal accepted by the NSMgr " +
                     $"after {healedAtNsmgr.TotalSeconds:F1} s, all {ids.Count} connections Up after {sinceKill.Elapsed.TotalSeconds:F1} s");
        cluster.Note($"restores beyond the first Request, the {restores.Count} pending ones included: " +
                     RecoveryAssertions.RestoresBeyondFirstRequest(cluster.Simulator, ids));
        RecoveryAssertions.HealedAndUnchanged(cluster.Simulator, registered, final, reselects);
        Assert.All(restores, id => Assert.Contains(
            final[id].History, heal => (heal.Trigger, heal.Decision, heal.Outcome) == (HealTrigger.Operator, HealDecision.Restore, HealOutcome.Healed)));
        // A healed connection is Up before it unregisters its backstop; one left behind goes at its next tick.
        await Eventually.True(async () => (await RedisReminders.WithBackstopAsync(cluster.Redis, cluster.ServiceId, pending)).Count == 0,
            "the healed connections' backstop reminders to be gone", DurableCluster.BackstopReminderPeriod * 3);
    }
}
