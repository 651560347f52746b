namespace Nsm.Healing;

/// <summary>How a heal ended.</summary>
public enum HealOutcome
{
    /// <summary>Still running: a retry is scheduled.</summary>
    InProgress = 0,

    /// <summary>The NSMgr accepted the healing Request; the connection is Up.</summary>
    Healed = 1,

    /// <summary>Attempts or deadline ran out; the connection is Failed.</summary>
    Failed = 2,

    /// <summary>The connection was closed while healing; the heal stopped.</summary>
    Cancelled = 3,
}
