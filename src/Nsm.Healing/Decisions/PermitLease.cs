namespace Nsm.Healing.Decisions;

/// <summary>How long one heal attempt may hold its admission permit.</summary>
public static class PermitLease
{
    /// <summary>Room for the grain's own bookkeeping around the two calls (the claim write, the admission round trips).</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A reselect is a Close and then a Request, each allowed <see cref="HealPolicy.RequestTimeout"/>: a permit leased
    /// for less expires while its heal is still at the NSMgr, and is handed to another heal on top of it.
    /// </summary>
    public static TimeSpan Longest(HealPolicy policy) => 2 * policy.RequestTimeout + Margin;
}
