namespace Nsm.Healing.Decisions;

/// <summary>Decides, after a failed attempt, whether to retry, escalate a restore to a reselect, or give up.</summary>
public static class RetryPlanner
{
    /// <param name="decision">The decision of the heal in progress.</param>
    /// <param name="failedAttempts">Failed attempts of this heal so far, including the one that just failed.</param>
    /// <param name="rejectedRestores">Restores the NSMgr answered with an error. Restores that did not reach it
    /// (NSMgr down) do not count: control plane down alone must never move the endpoint.</param>
    /// <param name="firstRejectionAt">When the NSMgr first rejected a restore of this heal.</param>
    /// <param name="healStartedAt">When the heal began; the deadline counts from here.</param>
    /// <param name="dataPlane">The effective data-plane verdict. A restore never escalates while the data plane is
    /// known to work: the NSE's control plane may be gone, but moving would break a working vWire
    /// (upstream's DatapathHealthy_CtrlPlaneBroken rule).</param>
    /// <param name="unitFraction">A uniform draw from [0, 1) for the jitter.</param>
    /// <param name="failure">The failed call's status code and message; an identity failure holds (HealDecider's identity row).</param>
    public static RetryPlan AfterFailure(
        HealDecision decision, int failedAttempts, int rejectedRestores, DateTimeOffset? firstRejectionAt,
        DateTimeOffset healStartedAt, DataPlaneVerdict dataPlane, DateTimeOffset now, HealPolicy policy, double unitFraction,
        (string StatusCode, string Message)? failure = null)
    {
        // First, before attempts and deadline: waiting for identity must not turn into a failed or moved connection.
        if (failure is { } f && HealDecider.HoldsForIdentity(f.StatusCode))
        {
            return new RetryPlan.HoldForIdentity($"identity unavailable: {f.Message}", Backoff.Delay(policy, failedAttempts, unitFraction));
        }

        var elapsed = now - healStartedAt;
        if (policy.MaxAttempts > 0 && failedAttempts >= policy.MaxAttempts)
        {
            return new RetryPlan.GiveUp($"gave up after {failedAttempts} failed attempts (MaxAttempts={policy.MaxAttempts})");
        }

        if (policy.HealDeadline > TimeSpan.Zero && elapsed >= policy.HealDeadline)
        {
            return new RetryPlan.GiveUp($"gave up after {elapsed.TotalSeconds:0.###} s (HealDeadline={policy.HealDeadline})");
        }

        if (decision == HealDecision.Restore && dataPlane != DataPlaneVerdict.Up && firstRejectionAt is { } rejectedSince)
        {
            if (rejectedRestores >= policy.RestoreAttemptsBeforeReselect)
            {
                return new RetryPlan.EscalateToReselect($"the NSMgr rejected {rejectedRestores} restores (RestoreAttemptsBeforeReselect={policy.RestoreAttemptsBeforeReselect})");
            }

            var rejectedFor = now - rejectedSince;
            if (rejectedFor >= policy.RestoreTimeBeforeReselect)
            {
                return new RetryPlan.EscalateToReselect($"the NSMgr rejected restores for {rejectedFor.TotalSeconds:0.###} s (RestoreTimeBeforeReselect={policy.RestoreTimeBeforeReselect})");
            }
        }

        return new RetryPlan.RetryAfter(Backoff.Delay(policy, failedAttempts, unitFraction));
    }
}
