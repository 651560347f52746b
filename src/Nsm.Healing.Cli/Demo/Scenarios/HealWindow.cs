namespace Nsm.Healing.Cli.Demo.Scenarios;

/// <summary>
/// The heal records a scenario caused: every record whose incident was not in a connection's history (or in
/// progress) when the window opened.
/// </summary>
public sealed class HealWindow
{
    private readonly Dictionary<string, HashSet<string>> _seen;

    private HealWindow(IReadOnlyDictionary<string, ConnectionSnapshot> before)
    {
        Before = before;
        _seen = before.ToDictionary(
            pair => pair.Key,
            pair => pair.Value.History.Select(heal => heal.IncidentId).Concat(pair.Value.CurrentHeal is { } current ? [current.IncidentId] : []).ToHashSet(StringComparer.Ordinal),
            StringComparer.Ordinal);
    }

    public IReadOnlyDictionary<string, ConnectionSnapshot> Before { get; }

    /// <summary>Opens on fresh snapshots, so no heal of an earlier scenario counts as this one's.</summary>
    public static async Task<HealWindow> OpenAsync(DemoWorld world, CancellationToken cancellation)
    {
        await world.Board.WaitAsync(latest => latest.Count == world.Nscs.Ids.Count, "fresh snapshots of every connection", world.ScenarioTimeout, cancellation);
        return new HealWindow(world.Board.Latest);
    }

    /// <summary>Heals of this connection that ended since the window opened.</summary>
    public IReadOnlyList<HealRecord> Ended(ConnectionSnapshot snapshot) =>
        [.. snapshot.History.Where(heal => !_seen.GetValueOrDefault(snapshot.ConnectionId, []).Contains(heal.IncidentId))];

    /// <summary>Every connection's heals that ended since the window opened.</summary>
    public IReadOnlyList<HealRecord> Ended(IReadOnlyDictionary<string, ConnectionSnapshot> latest) =>
        [.. latest.Values.SelectMany(Ended)];

    /// <summary>Up, with a heal that ended since the window opened and none in progress.</summary>
    public bool HealedUp(ConnectionSnapshot snapshot) =>
        snapshot.Phase == ConnectionPhase.Up && snapshot.CurrentHeal is null && Ended(snapshot).Any(heal => heal.Outcome == HealOutcome.Healed);
}
