namespace Nsm.Healing;

/// <summary>What made a connection act. Recorded with every heal so an operator can ask "why".</summary>
public enum HealTrigger
{
    /// <summary>The monitor stream to the NSMgr broke or the NSMgr is unreachable: control plane down.</summary>
    ControlPlaneLost = 0,

    /// <summary>The NSMgr sent UPDATE with state DOWN for this connection.</summary>
    ConnectionDown = 1,

    /// <summary>The NSMgr sent DELETE for this connection (treated as DOWN, as upstream does).</summary>
    ConnectionDeleted = 2,

    /// <summary>The NSC or a probe reported the data plane down: the vWire is gone.</summary>
    DataPlaneDown = 3,

    /// <summary>The NSMgr asked for a re-Request (state REFRESH_REQUESTED): a keep-alive, not a heal.</summary>
    RefreshRequested = 4,

    /// <summary>The path tokens are due for refresh.</summary>
    RefreshDue = 5,

    /// <summary>A refresh Request failed, so the connection may lapse: heal before the tokens expire.</summary>
    RefreshFailed = 6,

    /// <summary>An operator asked to heal now.</summary>
    Operator = 7,

    /// <summary>An operator asked to reselect now: pick a new endpoint whatever the data plane's state.</summary>
    OperatorReselect = 8,
}
