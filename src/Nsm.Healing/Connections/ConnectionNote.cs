namespace Nsm.Healing.Connections;

/// <summary>What the machine reports for logs and metrics; the shell turns each into its log event or metric.</summary>
public abstract record ConnectionNote
{
    private ConnectionNote() { }

    public sealed record ConnectionUp(string Endpoint, string NsmgrAddress) : ConnectionNote;

    public sealed record InitialRequestFailed(string Error) : ConnectionNote;

    public sealed record HealStarted(string IncidentId, HealTrigger Trigger, HealDecision Decision) : ConnectionNote;

    public sealed record HealAttemptFailed(string IncidentId, HealDecision Decision, int Attempt, TimeSpan Delay, string Error) : ConnectionNote;

    /// <summary>An attempt failed on identity: the heal holds and retries the same decision after <paramref name="Delay"/>.</summary>
    public sealed record HealHeldForIdentity(string IncidentId, HealDecision Decision, TimeSpan Delay, string Reason) : ConnectionNote;

    public sealed record HealEscalated(string IncidentId, string Reason) : ConnectionNote;

    public sealed record HealSwitched(string IncidentId, HealDecision Decision, HealTrigger Trigger) : ConnectionNote;

    /// <summary>A heal ended (healed, failed or cancelled): its record, for the log and the heal metrics.</summary>
    public sealed record HealEnded(HealRecord Heal) : ConnectionNote;

    public sealed record Refreshed(bool Succeeded, string? Error) : ConnectionNote;

    public sealed record ConnectionClosed : ConnectionNote;

    /// <summary>A Close went out after the last token we sent had expired (at <paramref name="TokenExpiredAt"/>).</summary>
    public sealed record CloseTooLate(ClosePurpose Purpose, DateTimeOffset TokenExpiredAt) : ConnectionNote;

    /// <summary>The final Close was not confirmed; it is retried at <paramref name="RetryAt"/>, before <paramref name="Deadline"/>.</summary>
    public sealed record CloseUnconfirmed(int Attempts, DateTimeOffset RetryAt, DateTimeOffset Deadline, string Error) : ConnectionNote;

    /// <summary>No Close was confirmed before <paramref name="Deadline"/>: the connection is Abandoned.</summary>
    public sealed record CloseAbandoned(int Attempts, DateTimeOffset Deadline) : ConnectionNote;

    public sealed record TriggerIgnored(ConnectionPhase Phase, HealTrigger Trigger) : ConnectionNote;

    /// <summary>A trigger about a connection already replaced.</summary>
    public sealed record StaleTrigger(HealTrigger Trigger, string Endpoint) : ConnectionNote;

    public sealed record StaleDataPlaneVerdict(DataPlaneVerdict Verdict, string Endpoint) : ConnectionNote;

    public sealed record AdmissionUnreachable(string IncidentId, string Error) : ConnectionNote;

    public sealed record PausedTrigger(HealTrigger Trigger) : ConnectionNote;

    public sealed record AttemptElsewhere(DateTimeOffset StartedAt) : ConnectionNote;

    /// <summary>No NSMgr call from this silo: the connection's node has no silo (<paramref name="Moving"/>: it has one now).</summary>
    public sealed record WaitingForNode(string Node, bool Moving) : ConnectionNote;

    /// <summary>The NSC is gone (its namespace has no process left): the connection closes, no heal.</summary>
    public sealed record NscGone(string Reason) : ConnectionNote;

    /// <summary>A reselect lost its data plane soon after reaching Up, <paramref name="Cycles"/> times in the loop window:
    /// the next reselect waits <paramref name="Delay"/>, and the loop is reported for quarantine.</summary>
    public sealed record HealLoopDetected(string IncidentId, int Cycles, string Endpoint, TimeSpan Delay) : ConnectionNote;

    /// <summary>A reselect named <paramref name="Endpoint"/>: NSEs of its network service are quarantined.</summary>
    public sealed record ReselectSteered(string IncidentId, string Endpoint) : ConnectionNote;

    /// <summary>An operator's forced Close was not confirmed by the NSMgr; the connection ended Closed anyway.</summary>
    public sealed record CloseForced(string Error) : ConnectionNote;

    /// <summary>A write that failed; <paramref name="What"/> says what was lost and how it is repaired.</summary>
    public sealed record WriteFailed(string What, string Error) : ConnectionNote;

    /// <summary>The orphan audit found this id at the NSMgr, ours and unowned (or owned as closed), and its Close was answered.</summary>
    public sealed record OrphanClosed(string NsmgrAddress, string Endpoint) : ConnectionNote;

    /// <summary>An orphan's Close failed; the next audit of the NSMgr finds it again while its token is valid.</summary>
    public sealed record OrphanCloseFailed(string NsmgrAddress, string Error) : ConnectionNote;

    /// <summary>An orphan whose token expired at <paramref name="ExpiredAt"/>: the NSMgr refuses its Close and times it out itself.</summary>
    public sealed record OrphanTooLate(string NsmgrAddress, DateTimeOffset ExpiredAt) : ConnectionNote;

    /// <summary>Before a Close, the NSMgr that may have forgotten the connection was taught it again (restore); or that failed.</summary>
    public sealed record RelearnedBeforeClose(string? Error) : ConnectionNote;

    /// <summary>The NSC asked again for a connection held <paramref name="From"/>: it got the same path back (a restore).</summary>
    public sealed record Readopted(ConnectionPhase From, string Endpoint) : ConnectionNote;

    /// <summary>The NSC asked again with a changed request (<paramref name="Change"/>): sent to the NSMgr as an update.</summary>
    public sealed record RequestUpdated(Requests.RequestChange Change, string Endpoint) : ConnectionNote;
}
