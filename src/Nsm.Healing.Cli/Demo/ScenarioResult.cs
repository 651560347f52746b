namespace Nsm.Healing.Cli.Demo;

/// <summary>One scenario's numbers for the summary, and every expectation it missed.</summary>
public sealed record ScenarioResult
{
    public required string Name { get; init; }

    public required string Expectation { get; init; }

    /// <summary>Connections the fault hit.</summary>
    public int Connections { get; init; }

    public int Heals { get; init; }

    public int Restores { get; init; }

    public int Reselects { get; init; }

    public TimeSpan? P50 { get; init; }

    public TimeSpan? P99 { get; init; }

    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>Why the scenario did not run, when it did not.</summary>
    public string? Skipped { get; init; }

    public bool Passed => Skipped is null && Failures.Count == 0;

    /// <summary>Counts and time-to-heal of the heal records that ended during the scenario.</summary>
    public static ScenarioResult Of(string name, string expectation, int connections, IReadOnlyList<HealRecord> heals, IReadOnlyList<string> failures)
    {
        var durations = heals.Where(heal => heal.Outcome == HealOutcome.Healed && heal.Duration is not null)
            .Select(heal => heal.Duration!.Value).Order().ToList();
        return new ScenarioResult
        {
            Name = name,
            Expectation = expectation,
            Connections = connections,
            Heals = heals.Count,
            Restores = heals.Count(heal => heal.Decision == HealDecision.Restore),
            Reselects = heals.Count(heal => heal.Decision == HealDecision.Reselect),
            P50 = Percentile(durations, 0.50),
            P99 = Percentile(durations, 0.99),
            Failures = [.. failures, .. heals.Where(heal => heal.Outcome == HealOutcome.Failed).Select(heal => $"heal {heal.IncidentId} failed: {heal.Detail}")],
        };
    }

    // Nearest rank: the smallest duration at or above the fraction of all.
    private static TimeSpan? Percentile(IReadOnlyList<TimeSpan> sorted, double fraction) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(fraction * sorted.Count) - 1, 0, sorted.Count - 1)];
}
