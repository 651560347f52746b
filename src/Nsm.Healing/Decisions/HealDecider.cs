namespace Nsm.Healing.Decisions;

/// <summary>
/// The trigger → action table of DESIGN.md §4, as a pure function. The grain asks; it never decides itself.
/// Rule of thumb, from the seed: keep a working data plane (restore, same endpoint) and move only when
/// connectivity is really gone (reselect, new endpoint).
/// </summary>
public static class HealDecider
{
    /// <summary>
    /// What to do about <paramref name="trigger"/>. While healing, anything but <see cref="HealDecision.Ignore"/>
    /// means "switch the heal in progress to this decision and attempt now".
    /// </summary>
    public static HealDecision Decide(HealTrigger trigger, in HealSituation situation) => situation.Phase switch
    {
        ConnectionPhase.Up => DecideWhileUp(trigger, situation),
        ConnectionPhase.Healing => DecideWhileHealing(trigger, situation),
        // An operator may revive a connection that gave up; nothing else does, so a failure stays visible.
        ConnectionPhase.Failed when trigger == HealTrigger.Operator => HealAccordingToDataPlane(situation.DataPlane),
        ConnectionPhase.Failed when trigger == HealTrigger.OperatorReselect => HealDecision.Reselect,
        // None, Requesting, Closing, Closed, Paused, Failed: no heal after close, none while paused or before the first answer.
        _ => HealDecision.Ignore,
    };

    /// <summary>
    /// The identity row: an attempt that failed on identity (<see cref="NsmgrFailure.IsIdentityFailure"/>) is not a data-plane
    /// fault. The heal holds, visibly ("identity unavailable: …"), and retries until identity is back: it never reselects,
    /// never closes, never gives up and never counts as a rejected restore.
    /// </summary>
    public static bool HoldsForIdentity(string statusCode) => NsmgrFailure.IsIdentityFailure(statusCode);

    private static HealDecision DecideWhileUp(HealTrigger trigger, in HealSituation situation) => trigger switch
    {
        HealTrigger.RefreshDue or HealTrigger.RefreshRequested => HealDecision.Refresh,
        HealTrigger.DataPlaneDown or HealTrigger.OperatorReselect => HealDecision.Reselect,
        HealTrigger.ConnectionDown or HealTrigger.ConnectionDeleted => situation.DataPlane switch
        {
            DataPlaneVerdict.Up => HealDecision.Restore,
            DataPlaneVerdict.Down => HealDecision.Reselect,
            _ => situation.Policy.OnDownWithUnknownDataPlane,
        },
        // Control plane down alone never moves the endpoint; only a data plane known dead does.
        HealTrigger.ControlPlaneLost or HealTrigger.RefreshFailed or HealTrigger.Operator => HealAccordingToDataPlane(situation.DataPlane),
        _ => HealDecision.Ignore,
    };

    private static HealDecision DecideWhileHealing(HealTrigger trigger, in HealSituation situation)
    {
        if (trigger == HealTrigger.OperatorReselect)
        {
            return HealDecision.Reselect;
        }

        if (trigger == HealTrigger.Operator)
        {
            return situation.HealInProgress == HealDecision.Reselect ? HealDecision.Reselect : HealAccordingToDataPlane(situation.DataPlane);
        }

        // A restore in progress becomes a reselect once the data plane is known dead; a reselect is already the strongest action.
        var dataPlaneGone = trigger == HealTrigger.DataPlaneDown
            || (trigger is HealTrigger.ConnectionDown or HealTrigger.ConnectionDeleted && situation.DataPlane == DataPlaneVerdict.Down);
        return situation.HealInProgress == HealDecision.Restore && dataPlaneGone ? HealDecision.Reselect : HealDecision.Ignore;
    }

    private static HealDecision HealAccordingToDataPlane(DataPlaneVerdict dataPlane) =>
        dataPlane == DataPlaneVerdict.Down ? HealDecision.Reselect : HealDecision.Restore;
}
