namespace Nsm.Healing.Connections;

/// <summary>What a connection grain made of an orphan the audit reported under its id.</summary>
public enum OrphanVerdict
{
    /// <summary>The grain owns the connection (open, closing or failed): not an orphan.</summary>
    Owned,

    /// <summary>An orphan: its Close was answered.</summary>
    Closed,

    /// <summary>An orphan whose token had expired: nothing sent, the NSMgr times it out itself.</summary>
    TooLate,

    /// <summary>An orphan whose Close failed; the next audit finds it again.</summary>
    CloseFailed,
}
