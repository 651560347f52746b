namespace Nsm.Healing;

/// <summary>What the connection does about a trigger. See docs/healing.md for what each means to an operator.</summary>
public enum HealDecision
{
    /// <summary>Nothing to do (closed, paused, already healing the same way, or a stale event).</summary>
    Ignore = 0,

    /// <summary>Re-send the last good request unchanged: a keep-alive, not a heal.</summary>
    Refresh = 1,

    /// <summary>Control plane trouble, data plane fine: re-send the last good request to the same endpoint.</summary>
    Restore = 2,

    /// <summary>Data plane gone: Close the old connection, then Request a new endpoint.</summary>
    Reselect = 3,
}
