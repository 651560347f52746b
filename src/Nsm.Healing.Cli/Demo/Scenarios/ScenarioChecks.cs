namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>The waiting and checking every scenario does after its fault.</summary>
public static class ScenarioChecks
{
    /// <summary>
    /// Waits until every hit connection is Up again after a heal that ended in the window; a timeout is a failure
    /// naming the connections still out, not an exception, so the summary shows it.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, ConnectionSnapshot>> WaitHealedAsync(
        DemoWorld world, HealWindow window, IReadOnlyList<string> hit, Func<ConnectionSnapshot, bool> done, List<string> failures, CancellationToken cancellation)
    {
        if (hit.Count == 0)
        {
            failures.Add("the fault hit no connection, so nothing was shown; run with more --connections");
            return world.Board.Latest;
        }

        try
        {
            await world.Board.WaitAsync(
                latest => hit.All(id => latest.TryGetValue(id, out var snapshot) && window.HealedUp(snapshot) && done(snapshot)),
                $"{hit.Count} connection(s) to heal", world.ScenarioTimeout, cancellation);
        }
        catch (TimeoutException e)
        {
            var latest = world.Board.Latest;
            var notHealed = hit.Where(id => !(latest.TryGetValue(id, out var snapshot) && window.HealedUp(snapshot) && done(snapshot)))
                .Select(id => latest.TryGetValue(id, out var snapshot) ? $"{id} ({snapshot.Phase} at {snapshot.Endpoint ?? "-"}{(snapshot.Reason is null ? "" : $": {snapshot.Reason}")})" : $"{id} (no answer)");
            failures.Add($"{e.Message}; not as expected: {string.Join(", ", notHealed)}");
        }

        return world.Board.Latest;
    }

    /// <summary>Adds <paramref name="failure"/> for each hit connection that breaks <paramref name="rule"/>.</summary>
    public static void Each(IEnumerable<string> hit, IReadOnlyDictionary<string, ConnectionSnapshot> latest, Func<string, ConnectionSnapshot, bool> rule, Func<string, ConnectionSnapshot, string> failure, List<string> failures)
    {
        foreach (var id in hit)
        {
            if (latest.TryGetValue(id, out var snapshot) && !rule(id, snapshot))
            {
                failures.Add(failure(id, snapshot));
            }
        }
    }
}
