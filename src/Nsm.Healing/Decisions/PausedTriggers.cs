namespace Nsm.Healing.Decisions;

/// <summary>
/// What a paused connection remembers, and what it acts on when resumed. Pure, so the model-based property
/// tests and the grain share it.
/// </summary>
public static class PausedTriggers
{
    /// <summary>
    /// Keeps the strongest trigger seen while paused: a dead data plane outranks a DOWN from the NSMgr, which
    /// outranks control plane trouble. A later, weaker trigger must not make the connection forget a dead vWire.
    /// Refreshes are not remembered: resuming refreshes anyway.
    /// </summary>
    public static HealTrigger? Remember(HealTrigger? remembered, HealTrigger incoming)
    {
        if (incoming is HealTrigger.RefreshDue or HealTrigger.RefreshRequested)
        {
            return remembered;
        }

        return remembered is { } kept && Rank(kept) > Rank(incoming) ? kept : incoming;
    }

    /// <summary>
    /// At resume the data plane's state now decides: known down means reselect, whatever was remembered;
    /// a Down report the NSC took back since (it reported Up again) is dropped.
    /// </summary>
    public static HealTrigger? AtResume(HealTrigger? remembered, DataPlaneVerdict dataPlaneNow) => dataPlaneNow switch
    {
        DataPlaneVerdict.Down => HealTrigger.DataPlaneDown,
        _ when remembered == HealTrigger.DataPlaneDown => null,
        _ => remembered,
    };

    private static int Rank(HealTrigger trigger) => trigger switch
    {
        HealTrigger.DataPlaneDown or HealTrigger.OperatorReselect => 3,
        HealTrigger.ConnectionDown or HealTrigger.ConnectionDeleted => 2,
        _ => 1,
    };
}
