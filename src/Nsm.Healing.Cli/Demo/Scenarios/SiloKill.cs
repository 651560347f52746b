using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// A heal storm (nsmgr-2 restarts, every connection behind it restoring) and, in the middle of it, SIGKILL of the
/// silo running nsmgr-2's monitor. Every connection must end Up: heals orphaned on the dead silo resume on the other
/// from Redis, driven by their reminders. Only on the Redis profile: in Development the state dies with the silo.
/// </summary>
public sealed class SiloKill : DemoScenario
{
    private const string Nsmgr = "nsmgr-2";
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(3);

    public override string Name => "silo-kill";

    public override string Title => $"Silo killed mid heal storm: {Nsmgr} restarts, then a silo gets SIGKILL";

    public override string Expectation => "every connection Up again, none lost, the storm's connections restored to the same endpoint";

    public override string? CannotRunOn(DemoCluster cluster) => cluster.Profile == DemoProfile.Redis
        ? null
        : "needs the Redis profile (install redis-server, or run with --profile redis): on the Development profile " +
          "connection state and reminders live in silo memory, so a killed silo's connections would be lost, not healed";

    public override async Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation)
    {
        var window = await HealWindow.OpenAsync(world, cancellation);
        var everyone = world.Nscs.Ids;
        var hit = world.Nscs.On(Nsmgr).ToList();
        var failures = new List<string>();
        var victim = await MonitorSiloAsync(world);

        var restart = world.Simulator.Faults.RestartNsmgrAsync(Nsmgr, Downtime);
        await world.Board.WaitAsync(latest => hit.Count(id => latest.TryGetValue(id, out var s) && s.Phase == ConnectionPhase.Healing) * 2 >= hit.Count,
            "the heal storm to be under way", world.ScenarioTimeout, cancellation);
        world.View.Note($"   heal storm under way; SIGKILL {victim.Name} (pid {victim.Pid})");
        await world.Cluster.KillAsync(victim);
        await restart;

        var latest = await ScenarioChecks.WaitHealedAsync(world, window, hit, s => s.Endpoint == window.Before[s.ConnectionId].Endpoint, failures, cancellation);
        if (failures.Count == 0)
        {
            // The storm's connections are back; the rest must still be Up, including those whose grains lived on the dead silo.
            try
            {
                await world.Board.WaitAsync(fresh => everyone.All(id => fresh.TryGetValue(id, out var s) && s.Phase == ConnectionPhase.Up),
                    "every connection to be Up", world.ScenarioTimeout, cancellation);
            }
            catch (TimeoutException e)
            {
                failures.Add(e.Message);
            }

            latest = world.Board.Latest;
        }

        ScenarioChecks.Each(everyone, latest, (_, s) => s.Phase == ConnectionPhase.Up,
            (id, s) => $"{id}: {s.Phase}{(s.Phase == ConnectionPhase.None ? " (lost: its state did not survive the silo)" : "")}", failures);
        ScenarioChecks.Each(hit, latest, (_, s) => window.Ended(s).All(heal => heal.Decision == HealDecision.Restore),
            (id, s) => $"{id}: healed by {string.Join(", ", window.Ended(s).Select(heal => heal.Decision))}, not a restore", failures);
        return ScenarioResult.Of(Name, Expectation, hit.Count, window.Ended(latest), failures);
    }

    /// <summary>The silo running the NSMgr's monitor stream, so the kill also moves the stream; else the last silo.</summary>
    private static async Task<SiloProcess> MonitorSiloAsync(DemoWorld world)
    {
        var status = await world.Cluster.Grains.GetGrain<INsmgrMonitorGrain>(world.Simulator.NsmgrAddress(Nsmgr)).GetStatus();
        return world.Cluster.Silos.FirstOrDefault(silo => status.Silo?.Contains($":{silo.Ports.Silo}:", StringComparison.Ordinal) == true)
            ?? world.Cluster.Silos[^1];
    }
}
