using System.Globalization;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// A chaos run's seed and length, from <c>NSM_CHAOS_SEED</c> and <c>NSM_CHAOS_DURATION</c>: by default a random seed and
/// a run short enough for CI. The seed is all it takes to replay a failure.
/// </summary>
public sealed record ChaosRunSettings(int Seed, TimeSpan Duration)
{
    public const string SeedVariable = "NSM_CHAOS_SEED";
    public const string DurationVariable = "NSM_CHAOS_DURATION";

    /// <summary>The faults of the default run: with start-up and convergence, under 90 s on 2 cores.</summary>
    public static readonly TimeSpan ShortDuration = TimeSpan.FromSeconds(25);

    private static readonly TimeSpan LongestDuration = TimeSpan.FromHours(24);

    public string ReplayCommand =>
        $"{SeedVariable}={Seed} {DurationVariable}={FormatDuration(Duration)} " +
        "dotnet test tests/Nsm.Healing.DurabilityTests -c Release --filter FullyQualifiedName~Chaos";

    /// <exception cref="ArgumentException">A variable is set to something that is not a seed or a duration, naming it.</exception>
    public static ChaosRunSettings FromEnvironment() => new(
        Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } seed ? ParseSeed(seed) : Random.Shared.Next(),
        Environment.GetEnvironmentVariable(DurationVariable) is { Length: > 0 } duration ? ParseDuration(duration) : ShortDuration);

    public static int ParseSeed(string text) =>
        int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new ArgumentException($"{SeedVariable} must be a 32-bit integer (was '{text}')", nameof(text));

    /// <summary>"90s", "10m", "1.5h", or a TimeSpan ("00:10:00"); more than zero, at most a day.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var trimmed = text.Trim();
        var unit = trimmed.Length > 0 ? char.ToLowerInvariant(trimmed[^1]) : ' ';
        TimeSpan? duration = unit switch
        {
            's' or 'm' or 'h' when double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && double.IsFinite(amount)
                => TimeSpan.FromSeconds(amount * (unit switch { 's' => 1, 'm' => 60, _ => 3600 })),
            _ when TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span) => span,
            _ => null,
        };
        return duration is { } d && d > TimeSpan.Zero && d <= LongestDuration
            ? d
            : throw new ArgumentException($"{DurationVariable} must be a duration above zero and at most 24 h, like 90s, 10m, 2h or 00:10:00 (was '{text}')", nameof(text));
    }

    private static string FormatDuration(TimeSpan duration) => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s";
}
