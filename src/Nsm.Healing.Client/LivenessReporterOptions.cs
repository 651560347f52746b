namespace Nsm.Healing.Client;

/// <summary>
/// How often a <see cref="LivenessReporter"/> checks the data plane and how it tells the grain. Upstream NSCs check every
/// 200 ms; one check a second per connection keeps probe traffic modest on an NSC with many connections and still finds
/// a dead vWire within about two seconds.
/// </summary>
public sealed class LivenessReporterOptions
{
    /// <summary>Time between the starts of two checks. Default 1 s.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A check that has not answered within this counts as Down. Default 1 s, as the upstream NSC.</summary>
    public TimeSpan CheckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// An unchanged verdict is reported again after this long, so the grain's verdict never goes stale. Keep it well below
    /// the grain's <see cref="HealPolicy.DataPlaneVerdictLifetime"/> (default 30 s). Default 10 s.
    /// </summary>
    public TimeSpan ReaffirmInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Throws <see cref="ArgumentException"/> naming every field that breaks its rule.</summary>
    public LivenessReporterOptions Validate()
    {
        var problems = Problems();
        return problems.Count == 0 ? this : throw new ArgumentException($"Invalid liveness reporter options: {string.Join("; ", problems)}", nameof(LivenessReporterOptions));
    }

    /// <summary>Every rule these options break, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (CheckInterval <= TimeSpan.Zero) problems.Add($"{nameof(CheckInterval)} must be positive (was {CheckInterval})");
        if (CheckTimeout <= TimeSpan.Zero) problems.Add($"{nameof(CheckTimeout)} must be positive (was {CheckTimeout})");
        if (ReaffirmInterval < CheckInterval) problems.Add($"{nameof(ReaffirmInterval)} ({ReaffirmInterval}) must be at least {nameof(CheckInterval)} ({CheckInterval})");
        return problems;
    }
}
