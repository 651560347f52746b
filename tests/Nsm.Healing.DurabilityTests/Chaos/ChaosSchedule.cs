namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// A seeded list of timed fault steps, recoveries included; by <see cref="Duration"/> every fault has been undone. Pure:
/// the same seed, duration and topology always give the same steps, so a failed run can be replayed.
/// </summary>
public sealed class ChaosSchedule
{
    private ChaosSchedule(int seed, TimeSpan duration, IReadOnlyList<ChaosStep> steps)
    {
        Seed = seed;
        Duration = duration;
        Steps = steps;
    }

    public int Seed { get; }

    public TimeSpan Duration { get; }

    /// <summary>Ordered by time; steps at the same time run in list order.</summary>
    public IReadOnlyList<ChaosStep> Steps { get; }

    /// <summary>How many faults of each kind the schedule injects (recoveries not counted).</summary>
    public IReadOnlyDictionary<string, int> FaultCounts =>
        Steps.Where(step => step.Fault is not null).GroupBy(step => step.Fault!).ToDictionary(kind => kind.Key, kind => kind.Count());

    public static ChaosSchedule Generate(int seed, TimeSpan duration, ChaosTopology topology)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(duration, TimeSpan.Zero);
        return new ChaosSchedule(seed, duration, new ChaosSchedulePlanner(new Random(seed), duration, topology).Plan());
    }

    public string Describe() =>
        $"chaos schedule of seed {Seed}, {Duration.TotalSeconds:F0} s, {Steps.Count} steps " +
        $"({string.Join(", ", FaultCounts.OrderBy(kind => kind.Key, StringComparer.Ordinal).Select(kind => $"{kind.Value} {kind.Key}"))}):\n" +
        string.Join("\n", Steps);
}
