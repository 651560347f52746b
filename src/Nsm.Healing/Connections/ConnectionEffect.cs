using Nsm.Api;

namespace Nsm.Healing.Connections;

/// <summary>
/// What <see cref="ConnectionMachine"/> asks its shell to carry out, in order. An effect that <see cref="FeedsBack"/>
/// ends its batch: its outcome is the machine's next input.
/// </summary>
public abstract record ConnectionEffect
{
    private ConnectionEffect() { }

    /// <summary>Whether carrying it out yields an input for the machine (and so ends the batch).</summary>
    public virtual bool FeedsBack => false;

    /// <summary>One NSMgr Request; cancelled by the NSC's Close. Outcome: RequestAnswered or CallFailed.</summary>
    public sealed record SendRequest(RequestPurpose Purpose, string NsmgrAddress, NetworkServiceRequest Request, TimeSpan Timeout) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>One NSMgr Close. Outcome (except for <see cref="ClosePurpose.Compensate"/>): CloseAnswered or CallFailed.</summary>
    public sealed record SendClose(ClosePurpose Purpose, string NsmgrAddress, Connection Connection, TimeSpan Timeout) : ConnectionEffect
    {
        public override bool FeedsBack => Purpose != ClosePurpose.Compensate;
    }

    /// <summary>
    /// Asks the NSMgr's monitor since when its stream to the NSMgr has been open without a break: an NSMgr that restarted
    /// broke it. Outcome: StreamOpenSince (null since when the stream is not open or the monitor could not say).
    /// </summary>
    public sealed record AskStreamOpenSince(string NsmgrAddress) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>
    /// Asks the NSMgr which connection it holds for <paramref name="Ours"/> (its monitor snapshot, scoped to our path
    /// segment). Outcome: HeldFound or CallFailed.
    /// </summary>
    public sealed record FindHeld(string NsmgrAddress, Connection Ours, TimeSpan Timeout) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>Writes <paramref name="State"/>. Outcome: StorageWritten or StorageFailed.</summary>
    public sealed record Persist(ConnectionState State) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>Takes this silo's standing permit for the NSMgr, if it has one. Outcome: StandingPermitTaken.</summary>
    public sealed record TakeStandingPermit(string NsmgrAddress) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>Asks the NSMgr's admission for a permit. Outcome: AdmissionAnswered or AdmissionUnreachable.</summary>
    public sealed record AskAdmission(string NsmgrAddress) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>Feeds <paramref name="Input"/> back at once: a step that follows a write.</summary>
    public sealed record Continue(ConnectionInput Input) : ConnectionEffect
    {
        public override bool FeedsBack => true;
    }

    /// <summary>Arms the one wakeup timer (replacing any other) to fire at <paramref name="At"/>.</summary>
    public sealed record ScheduleWakeup(DateTimeOffset At) : ConnectionEffect;

    public sealed record StopWakeup : ConnectionEffect;

    /// <summary>Has the heal-backstop reminder registered; <paramref name="Alongside"/>: without waiting for it.</summary>
    public sealed record EnsureBackstop(bool Alongside) : ConnectionEffect;

    public sealed record DropBackstop : ConnectionEffect;

    /// <summary>Hands a permit (or a place in the admission's queue) back, the one way <paramref name="Reason"/> calls for.</summary>
    public sealed record ReturnPermit(string NsmgrAddress, string Holder, PermitReturn Reason) : ConnectionEffect;

    /// <summary>A standing permit was used: have another on hand for the next heal.</summary>
    public sealed record ReplenishStandingPermit(string NsmgrAddress) : ConnectionEffect;

    public sealed record EnsureMonitored(string NsmgrAddress) : ConnectionEffect;

    public sealed record StopMonitoring(string NsmgrAddress) : ConnectionEffect;

    /// <summary>
    /// Opens the NSC's network namespace named by <paramref name="StatedUrl"/> (the mechanism's <c>inodeURL</c>) unless it
    /// is held already, and keeps it open and watched while the activation lives: NscGone comes when nothing lives in it.
    /// </summary>
    public sealed record HoldNamespace(string StatedUrl) : ConnectionEffect;

    /// <summary>Closes the namespace held for the connection and stops watching it.</summary>
    public sealed record ReleaseNamespace : ConnectionEffect;

    /// <summary>Moves the activation to a silo on <paramref name="Node"/>, where placement puts the connection.</summary>
    public sealed record MoveHome(string Node) : ConnectionEffect;

    /// <summary>Tells the cluster's quarantine that this connection is in a heal loop (one-way).</summary>
    public sealed record ReportLoop(Custody.LoopReport Report) : ConnectionEffect;

    /// <summary>Tells watchers (and the phase metric) the state as it is now.</summary>
    public sealed record Publish : ConnectionEffect;

    /// <summary>Ends every watch: the connection is closed.</summary>
    public sealed record EndWatches : ConnectionEffect;

    /// <summary>The caller's call succeeded (answered with the state as it is now).</summary>
    public sealed record Answer : ConnectionEffect;

    /// <summary>The caller's call failed with <paramref name="Error"/>; nothing of it stays behind.</summary>
    public sealed record Fail(Exception Error) : ConnectionEffect;

    /// <summary>Another activation owns the connection now: this one deactivates.</summary>
    public sealed record StandDown(string Reason) : ConnectionEffect;

    /// <summary>Something worth a log line or a metric.</summary>
    public sealed record Observe(ConnectionNote Note) : ConnectionEffect;
}

/// <summary>Why a Request is sent.</summary>
public enum RequestPurpose
{
    /// <summary>The NSC's first Request.</summary>
    Initial,

    /// <summary>A keep-alive: not a heal.</summary>
    Refresh,

    Heal,

    /// <summary>Before a final Close: a restore that teaches an NSMgr which may have forgotten the connection (it restarted) its path again.</summary>
    Relearn,

    /// <summary>The NSC asked again for a connection still held: the same path back (a restore).</summary>
    Readopt,

    /// <summary>The NSC asked again with changed labels, payload or mechanisms: the held connection with them.</summary>
    Update,
}

/// <summary>Why a Close is sent.</summary>
public enum ClosePurpose
{
    /// <summary>The NSC closes the connection.</summary>
    Final,

    /// <summary>Close before reselect: the old endpoint must not keep a duplicate.</summary>
    BeforeReselect,

    /// <summary>Undoes a Request the NSMgr may have taken that is not kept (unstored, or failed mid-way).</summary>
    Compensate,

    /// <summary>A connection of ours at the NSMgr that no grain owns, or owns as closed (the orphan audit).</summary>
    Orphan,

    /// <summary>The NSC asked for another network service under the same id: the held connection goes first.</summary>
    Replace,
}

/// <summary>How a permit goes back to the NSMgr's admission: one way per reason.</summary>
public enum PermitReturn
{
    /// <summary>The NSMgr answered the heal (success or rejection): the budget may grow.</summary>
    Served,

    /// <summary>The NSMgr did not answer (down, overloaded): the budget shrinks.</summary>
    FailedAtNsmgr,

    /// <summary>Never used for a call (or a place in the queue no longer needed): as if never taken.</summary>
    Unused,

    /// <summary>The NSC's Close stopped the heal: says nothing about the NSMgr, as if never taken.</summary>
    CancelledByClose,
}
