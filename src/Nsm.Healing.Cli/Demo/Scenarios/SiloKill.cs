namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// A node's silo dies in the middle of a heal storm: nsmgr-2 restarts (every connection behind it restoring) and node-2's
/// silo gets SIGKILL. Node-2's connections are served on node-2 only, so their heals wait, visibly ("no silo on node
/// node-2"), make no NSMgr call from node-1, and resume once node-2's silo is replaced: restored to the same endpoint
/// from Redis, by a new activation that finds the NSC's namespace again. Node-1's connections are not touched. Only on
/// the Redis profile: in Development the state dies with the silo.
/// </summary>
public sealed class SiloKill : DemoScenario
{
    private const string Nsmgr = "nsmgr-2";
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(3);
    private static readonly string Node = DemoTopology.NodeOf(Nsmgr);
    private static readonly string Waiting = $"no silo on node {Node}";

    public override string Name => "silo-kill";

    public override string Title => $"{Node}'s silo killed mid heal storm: {Nsmgr} restarts, then {Node}'s silo gets SIGKILL and is replaced";

    public override string Expectation =>
        $"{Node}'s connections wait (\"{Waiting}\") and are restored to the same endpoint once {Node} has a silo again; none lost; the other node's untouched";

    public override string? CannotRunOn(DemoCluster cluster) => cluster.Profile == DemoProfile.Redis
        ? null
        : "needs the Redis profile (install redis-server, or run with --profile redis): on the Development profile " +
          "connection state and reminders live in silo memory, so a killed silo's connections would be lost, not healed";

    public override async Task<ScenarioResult> RunAsync(DemoWorld world, CancellationToken cancellation)
    {
        var window = await HealWindow.OpenAsync(world, cancellation);
        var everyone = world.Nscs.Ids;
        var hit = world.Nscs.On(Nsmgr).ToList();
        var others = everyone.Except(hit).ToList();
        var failures = new List<string>();
        var victim = world.Cluster.SiloOn(Node);

        var restart = world.Simulator.Faults.RestartNsmgrAsync(Nsmgr, Downtime);
        await world.Board.WaitAsync(latest => hit.Count(id => latest.TryGetValue(id, out var s) && s.Phase == ConnectionPhase.Healing) * 2 >= hit.Count,
            "the heal storm to be under way", world.ScenarioTimeout, cancellation);
        world.View.Note($"   heal storm under way; SIGKILL {victim.Name} (pid {victim.Pid}), the only silo on {Node}");
        await world.Cluster.KillAsync(victim);
        await restart;

        var callsBefore = hit.ToDictionary(id => id, id => Calls(world, id));
        try
        {
            // Once the cluster has declared the silo dead, the grains answer from node-1's silo, where they must not heal.
            await world.Board.WaitAsync(latest => hit.All(id => latest.TryGetValue(id, out var s) && s.Reason?.StartsWith(Waiting, StringComparison.Ordinal) == true),
                $"{Node}'s connections to wait for a silo on {Node}", world.ScenarioTimeout, cancellation);
            world.View.Note($"   {hit.Count} connection(s) waiting: \"{Waiting}\"; the NSMgr got no call for them from another node");
        }
        catch (TimeoutException e)
        {
            failures.Add($"{e.Message} (the wait was not visible)");
        }

        ScenarioChecks.Each(hit, world.Board.Latest, (id, _) => Calls(world, id) == callsBefore[id],
            (id, _) => $"{id}: the NSMgr got a call for it while {Node} had no silo", failures);
        var replacement = await world.Cluster.ReplaceAsync(victim, cancellation);
        world.View.Note($"   {replacement.Name} (pid {replacement.Pid}) ready on {Node}");

        var latest = await ScenarioChecks.WaitHealedAsync(world, window, hit, s => s.Endpoint == window.Before[s.ConnectionId].Endpoint, failures, cancellation);
        ScenarioChecks.Each(everyone, latest, (_, s) => s.Phase == ConnectionPhase.Up,
            (id, s) => $"{id}: {s.Phase}{(s.Phase == ConnectionPhase.None ? " (lost: its state did not survive the silo)" : "")}", failures);
        ScenarioChecks.Each(hit, latest, (_, s) => window.Ended(s).All(heal => heal.Decision == HealDecision.Restore),
            (id, s) => $"{id}: healed by {string.Join(", ", window.Ended(s).Select(heal => heal.Decision))}, not a restore", failures);
        ScenarioChecks.Each(others, latest, (_, s) => window.Ended(s).Count == 0 && s.CurrentHeal is null,
            (id, s) => $"{id}: on the other node, yet healed ({string.Join(", ", window.Ended(s).Select(heal => heal.Decision))})", failures);
        return ScenarioResult.Of(Name, Expectation, hit.Count, window.Ended(latest), failures);
    }

    private static int Calls(DemoWorld world, string id) => world.Simulator.Records.Requests(id).Count + world.Simulator.Records.Closes(id).Count;
}
