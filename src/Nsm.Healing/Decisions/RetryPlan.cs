namespace Nsm.Healing.Decisions;

/// <summary>What happens after a failed heal attempt.</summary>
public abstract record RetryPlan
{
    private RetryPlan() { }

    /// <summary>Try the same decision again after <see cref="Delay"/>.</summary>
    public sealed record RetryAfter(TimeSpan Delay) : RetryPlan;

    /// <summary>Restoring is not working (the endpoint is likely gone): reselect now.</summary>
    public sealed record EscalateToReselect(string Reason) : RetryPlan;

    /// <summary>Our identity (or the NSMgr's acceptance of it) is the trouble: wait, visibly, and try the same decision again.</summary>
    public sealed record HoldForIdentity(string Reason, TimeSpan Delay) : RetryPlan;

    /// <summary>Attempts or deadline exhausted: the connection fails, visibly.</summary>
    public sealed record GiveUp(string Reason) : RetryPlan;
}
