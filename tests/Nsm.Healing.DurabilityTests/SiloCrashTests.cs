using System.Diagnostics;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>Invariant 6 with real processes: a silo killed with SIGKILL mid-heal loses no connection and no heal.</summary>
[Trait("Category", "Slow")]
public sealed class SiloCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_silo_with_the_most_heals_in_flight_resumes_them_on_the_survivors()
    {
        await using var cluster = await DurableCluster.StartAsync(silos: 3, output);
        var ids = Connections.NewIds("crash", 200);
        var registered = await Connections.RegisterAsync(cluster.Client, cluster.NsmgrAddress, ids);
        var reselects = ids.Take(50).ToList();
        cluster.Note($"registered {ids.Count} connections; starting {reselects.Count} reselects that cannot finish yet");
        HeldNsmgr.Hold(cluster.Simulator);
        await HeldNsmgr.StartReselectsAsync(cluster.Client, cluster.Simulator, reselects);
        await HeldNsmgr.WaitUntilRetryingAsync(cluster.Simulator, reselects);

        var (victim, orphaned) = await SiloHostingMostOf(cluster, reselects);
        cluster.Note($"{victim.Name} hosts {orphaned.Count} of the {reselects.Count} heals in flight");
        Assert.NotEmpty(orphaned);
        var sinceKill = Stopwatch.StartNew();
        await cluster.KillAsync(victim);
        // The NSMgr recovers at once, while the dead silo is still a member: heals on the survivors complete
        // while calls to the dead silo (its grains, the admission, the monitor) still fail.
        HeldNsmgr.Release(cluster.Simulator);
        await cluster.WaitUntilDeclaredDeadAsync(victim, TimeSpan.FromSeconds(30));
        var declaredDead = sinceKill.Elapsed;

        // Judged at the NSMgr first, so no client call is what brings the orphaned heals back.
        await HealsInFlight.WaitUntilAcceptedAsync(cluster.Simulator, reselects, HealsInFlight.IsReselect, TimeSpan.FromSeconds(60));
        var healedAtNsmgr = sinceKill.Elapsed;
        var final = await Connections.WaitAllUpAsync(cluster.Client, ids, TimeSpan.FromSeconds(30));
        var allUp = sinceKill.Elapsed;

        cluster.Note($"recovery after SIGKILL: declared dead after {declaredDead.TotalSeconds:F1} s, every heal accepted by the NSMgr " +
                     $"after {healedAtNsmgr.TotalSeconds:F1} s, all {ids.Count} connections Up after {allUp.TotalSeconds:F1} s");
        cluster.Note($"restores beyond the first Request (same endpoint, caused by the crash): {RecoveryAssertions.RestoresBeyondFirstRequest(cluster.Simulator, ids)}");
        RecoveryAssertions.HealedAndUnchanged(cluster.Simulator, registered, final, reselects);
    }

    /// <summary>Where the grains of the heals live right now, from Orleans' own activation statistics.</summary>
    private static async Task<(SiloProcess Silo, IReadOnlyList<string> Heals)> SiloHostingMostOf(DurableCluster cluster, IReadOnlyList<string> ids)
    {
        var wanted = ids.ToHashSet();
        var activations = await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var busiest = activations
            .Where(a => wanted.Contains(a.GrainId.Key.ToString()!))
            .GroupBy(a => a.SiloAddress.Endpoint.Port)
            .MaxBy(group => group.Count())!;
        return (cluster.SiloOnPort(busiest.Key), [.. busiest.Select(a => a.GrainId.Key.ToString()!)]);
    }
}
