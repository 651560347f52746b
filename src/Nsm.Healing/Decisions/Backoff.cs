namespace Nsm.Healing.Decisions;

/// <summary>
/// Exponential backoff with full jitter: the delay before attempt n+1 is drawn uniformly from
/// [0, min(cap, first × multiplier^(n-1))]. Full jitter keeps thousands of connections healing
/// after one NSMgr restart from retrying in lockstep.
/// </summary>
public static class Backoff
{
    /// <summary>The upper bound of the delay after <paramref name="failedAttempts"/> failures (1 = after the first).</summary>
    public static TimeSpan Bound(HealPolicy policy, int failedAttempts)
    {
        var exponent = Math.Max(0, failedAttempts - 1);
        var bound = policy.FirstRetryDelay.TotalMilliseconds * Math.Pow(policy.BackoffMultiplier, exponent);
        // Pow overflows to infinity long before an int runs out; the cap keeps it finite.
        return TimeSpan.FromMilliseconds(Math.Min(bound, policy.MaxRetryDelay.TotalMilliseconds));
    }

    /// <param name="unitFraction">A uniform draw from [0, 1), injected so tests are repeatable.</param>
    public static TimeSpan Delay(HealPolicy policy, int failedAttempts, double unitFraction)
    {
        var bound = Bound(policy, failedAttempts);
        return policy.Jitter ? TimeSpan.FromMilliseconds(bound.TotalMilliseconds * unitFraction) : bound;
    }
}
