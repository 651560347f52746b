namespace Nsm.Healing;

/// <summary>
/// How one connection heals. Every field has a default chosen for NSM (see docs/healing.md);
/// <see cref="Validate"/> rejects values that would make healing stall, spin or never give up silently.
/// </summary>
[GenerateSerializer, Immutable, Alias("nsm.HealPolicy")]
public sealed record HealPolicy
{
    /// <summary>The defaults: retries start at up to 150 ms, double, cap at 30 s, give up after 10 minutes.</summary>
    public static HealPolicy Default { get; } = new();

    /// <summary>Upper bound of the first retry delay (full jitter draws the delay from [0, bound]).</summary>
    [Id(0)] public TimeSpan FirstRetryDelay { get; init; } = TimeSpan.FromMilliseconds(150);

    /// <summary>The retry delay never grows beyond this.</summary>
    [Id(1)] public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Each failed attempt multiplies the delay bound by this.</summary>
    [Id(2)] public double BackoffMultiplier { get; init; } = 2.0;

    /// <summary>Full jitter spreads retries of many connections so they do not hit the NSMgr in lockstep.</summary>
    [Id(3)] public bool Jitter { get; init; } = true;

    /// <summary>Attempts per heal before it fails; 0 means no limit (the deadline still applies).</summary>
    [Id(4)] public int MaxAttempts { get; init; }

    /// <summary>How long one heal may run before it fails; <see cref="TimeSpan.Zero"/> means no deadline.</summary>
    [Id(5)] public TimeSpan HealDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Failed restores before giving up on the endpoint and reselecting (e.g. the NSE was unregistered).</summary>
    [Id(6)] public int RestoreAttemptsBeforeReselect { get; init; } = 5;

    /// <summary>Time spent restoring before reselecting, whichever of this and the attempt count comes first.</summary>
    [Id(7)] public TimeSpan RestoreTimeBeforeReselect { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>What a DOWN or DELETE means when nobody knows the data plane's state. Upstream reselects.</summary>
    [Id(8)] public HealDecision OnDownWithUnknownDataPlane { get; init; } = HealDecision.Reselect;

    /// <summary>How long one Request or Close to the NSMgr may take (upstream NSC: 15 s).</summary>
    [Id(9)] public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Refresh when this fraction of the token lifetime has passed (upstream NSC hop: 0.2).</summary>
    [Id(10)] public double RefreshFraction { get; init; } = 0.2;

    /// <summary>A data-plane "up" verdict older than this no longer counts as known good.</summary>
    [Id(11)] public TimeSpan DataPlaneVerdictLifetime { get; init; } = TimeSpan.FromSeconds(30);

    // Heal-loop fields take ids 23-26 (this issue's range), so fields other work adds after id 11 cannot collide.

    /// <summary>Reselects that lose their data plane soon after reaching Up, within <see cref="LoopWindow"/>, before the
    /// connection counts as in a heal loop and backs off.</summary>
    [Id(23)] public int LoopCycles { get; init; } = 3;

    /// <summary>The window in which <see cref="LoopCycles"/> such reselects make a heal loop.</summary>
    [Id(24)] public TimeSpan LoopWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A data plane lost this soon after a reselect reached Up is one cycle of a heal loop.</summary>
    [Id(25)] public TimeSpan LoopUpWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a looping connection waits before its next reselect; doubled for each further cycle in the
    /// window, never more than <see cref="LoopWindow"/>.</summary>
    [Id(26)] public TimeSpan LoopBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A retry further out than this is no retry; it also keeps grain timers within their range.</summary>
    public static readonly TimeSpan LongestRetryDelay = TimeSpan.FromHours(1);

    /// <summary>Throws <see cref="ArgumentException"/> naming every field that breaks its rule.</summary>
    public HealPolicy Validate()
    {
        var problems = Problems();
        return problems.Count == 0 ? this : throw new ArgumentException($"Invalid heal policy: {string.Join("; ", problems)}", nameof(HealPolicy));
    }

    /// <summary>Every rule this policy breaks, each naming its field; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Check(FirstRetryDelay > TimeSpan.Zero, $"{nameof(FirstRetryDelay)} must be positive (was {FirstRetryDelay})");
        Check(MaxRetryDelay >= FirstRetryDelay, $"{nameof(MaxRetryDelay)} ({MaxRetryDelay}) must be at least {nameof(FirstRetryDelay)} ({FirstRetryDelay})");
        Check(MaxRetryDelay <= LongestRetryDelay, $"{nameof(MaxRetryDelay)} must be at most {LongestRetryDelay} (was {MaxRetryDelay})");
        Check(BackoffMultiplier >= 1.0 && !double.IsInfinity(BackoffMultiplier), $"{nameof(BackoffMultiplier)} must be a finite number >= 1 (was {BackoffMultiplier})");
        Check(MaxAttempts >= 0, $"{nameof(MaxAttempts)} must be 0 (no limit) or positive (was {MaxAttempts})");
        Check(HealDeadline >= TimeSpan.Zero, $"{nameof(HealDeadline)} must be zero (no deadline) or positive (was {HealDeadline})");
        Check(RestoreAttemptsBeforeReselect >= 1, $"{nameof(RestoreAttemptsBeforeReselect)} must be at least 1 (was {RestoreAttemptsBeforeReselect})");
        Check(RestoreTimeBeforeReselect > TimeSpan.Zero, $"{nameof(RestoreTimeBeforeReselect)} must be positive (was {RestoreTimeBeforeReselect})");
        Check(OnDownWithUnknownDataPlane is HealDecision.Restore or HealDecision.Reselect, $"{nameof(OnDownWithUnknownDataPlane)} must be Restore or Reselect (was {OnDownWithUnknownDataPlane})");
        Check(RequestTimeout > TimeSpan.Zero, $"{nameof(RequestTimeout)} must be positive (was {RequestTimeout})");
        Check(RefreshFraction > 0 && RefreshFraction < 1, $"{nameof(RefreshFraction)} must be between 0 and 1, exclusive (was {RefreshFraction})");
        Check(DataPlaneVerdictLifetime > TimeSpan.Zero, $"{nameof(DataPlaneVerdictLifetime)} must be positive (was {DataPlaneVerdictLifetime})");
        Check(LoopCycles >= 1, $"{nameof(LoopCycles)} must be at least 1 (was {LoopCycles})");
        Check(LoopWindow > TimeSpan.Zero && LoopWindow <= LongestRetryDelay, $"{nameof(LoopWindow)} must be positive and at most {LongestRetryDelay} (was {LoopWindow})");
        Check(LoopUpWindow > TimeSpan.Zero, $"{nameof(LoopUpWindow)} must be positive (was {LoopUpWindow})");
        Check(LoopBackoff > TimeSpan.Zero && LoopBackoff <= LoopWindow, $"{nameof(LoopBackoff)} must be positive and at most {nameof(LoopWindow)} ({LoopWindow}) (was {LoopBackoff})");
        return problems;
    }
}
