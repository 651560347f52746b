namespace Nsm.Healing;

/// <summary>Where a connection stands. Exactly one phase at a time.</summary>
public enum ConnectionPhase
{
    /// <summary>No connection is registered under this id (never requested, or forgotten).</summary>
    None = 0,

    /// <summary>The first Request is in flight at the NSMgr.</summary>
    Requesting = 1,

    /// <summary>The NSMgr answered the last Request; the connection is established and refreshed.</summary>
    Up = 2,

    /// <summary>A heal is in progress: a retry is always scheduled while in this phase.</summary>
    Healing = 3,

    /// <summary>The NSC (or an operator) asked to close; the Close is in flight, or retried until the NSMgr confirms it.</summary>
    Closing = 4,

    /// <summary>Closed for good: no heal runs after this.</summary>
    Closed = 5,

    /// <summary>Healing gave up (attempts or deadline exhausted). The reason says why; an operator can heal again.</summary>
    Failed = 6,

    /// <summary>An operator paused healing. Triggers are remembered, not acted on, until resumed.</summary>
    Paused = 7,

    /// <summary>
    /// A Close owed to the NSMgr was never confirmed before the last token we sent expired: the NSMgr (or what lies behind
    /// it) may still hold the connection. The reason says since when; nothing more is sent for it.
    /// </summary>
    Abandoned = 8,
}
