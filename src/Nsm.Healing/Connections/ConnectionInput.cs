using Nsm.Api;

namespace Nsm.Healing.Connections;

/// <summary>
/// Everything that can happen to a connection, as <see cref="ConnectionMachine"/> takes it: what the NSC, an operator,
/// a monitor worker or a clock says, and the outcome of each effect the machine asked for.
/// </summary>
public abstract record ConnectionInput
{
    private ConnectionInput() { }

    /// <summary>An activation loaded the stored state: pick up whatever was due.</summary>
    public sealed record Activated : ConnectionInput;

    /// <summary>The NSC's first Request, already validated and prepared.</summary>
    /// <param name="NodeName">The NSC's node, whose silo alone may serve it; null or empty: any silo.</param>
    public sealed record RequestAsked(string NsmgrAddress, NetworkServiceRequest Prepared, HealPolicy Policy, string? NodeName = null) : ConnectionInput;

    /// <summary>The NSC hands over a connection it already made, already validated.</summary>
    public sealed record AdoptAsked(string NsmgrAddress, NetworkServiceRequest Request, HealPolicy Policy) : ConnectionInput;

    /// <summary>The NSC (or an operator) closes the connection; <paramref name="Reason"/> is what its record says, e.g. "closed by the NSC".</summary>
    /// <param name="OperatorReason">An operator's reason, recorded in the connection's operator history; null: the NSC's Close.</param>
    /// <param name="Forced">End Closed even when the NSMgr does not confirm the Close.</param>
    public sealed record CloseAsked(string Reason, string? OperatorReason = null, bool Forced = false) : ConnectionInput;

    /// <summary>An operator asks to heal now (<paramref name="Reselect"/>: reselect, past any heal-loop backoff), for <paramref name="Reason"/>.</summary>
    public sealed record OperatorHealAsked(bool Reselect, string Reason) : ConnectionInput;

    /// <summary>A heal trigger. <paramref name="About"/> is the connection a monitor event or a liveness check
    /// described; when given, a trigger about a connection already replaced is dropped.</summary>
    public sealed record Triggered(HealTrigger Trigger, Connection? About = null) : ConnectionInput;

    /// <summary>The NSMgr's snapshot, taken about <paramref name="SnapshotAt"/>, does not hold this connection.</summary>
    public sealed record MissingAtNsmgr(DateTimeOffset SnapshotAt) : ConnectionInput;

    public sealed record ControlPlaneRestored : ConnectionInput;

    /// <summary>
    /// The orphan audit: <paramref name="NsmgrAddress"/>'s snapshot shows <paramref name="Seen"/> under this id, carrying our
    /// identity, and no registration there owns it. The machine judges it (see <see cref="ConnectionMachine.OrphanVerdict"/>).
    /// </summary>
    public sealed record OrphanSuspected(string NsmgrAddress, Connection Seen) : ConnectionInput;

    /// <summary>No process lives in the NSC's network namespace any more: the NSC is gone.</summary>
    public sealed record NscGone(string Reason) : ConnectionInput;

    /// <summary>The NSC's liveness verdict, about <paramref name="Checked"/> when it says which connection it checked.</summary>
    public sealed record DataPlaneReported(DataPlaneVerdict Verdict, Connection? Checked) : ConnectionInput;

    public sealed record PauseAsked(string Reason) : ConnectionInput;

    public sealed record ResumeAsked : ConnectionInput;

    /// <summary>The wakeup the machine scheduled fired (timers may fire a little early).</summary>
    public sealed record WakeupDue : ConnectionInput;

    /// <summary>The durable heal-backstop reminder ticked.</summary>
    public sealed record BackstopTick : ConnectionInput;

    /// <summary>The NSMgr's admission granted this connection a permit (one-way, possibly late).</summary>
    public sealed record HealAdmitted : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.TakeStandingPermit"/>: the permit's holder name, or null.</summary>
    public sealed record StandingPermitTaken(string? Holder) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.AskAdmission"/>.</summary>
    public sealed record AdmissionAnswered(bool Admitted, TimeSpan RetryAfter) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.AskAdmission"/> when the admission did not answer.</summary>
    public sealed record AdmissionUnreachable(string Error) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.SendRequest"/>: the NSMgr's answer.</summary>
    /// <param name="TokenValidFor">How much longer the token sent with the Request is valid, as the answer arrives; null
    /// when no token was sent (identity off).</param>
    public sealed record RequestAnswered(Connection Answer, TimeSpan? TokenValidFor = null) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.SendRequest"/> or of a Close whose outcome matters.</summary>
    /// <param name="StatusCode">The gRPC status name; "Unknown" for an error that carried none.</param>
    /// <param name="CancelledByClose">The NSC's Close stopped the call (or kept it from being sent).</param>
    public sealed record CallFailed(Exception Error, string StatusCode, bool CancelledByClose) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.AskStreamOpenSince"/>, on the monitor's clock; null: not open, or unknown.</summary>
    public sealed record StreamOpenSince(DateTimeOffset? Since) : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.FindHeld"/>: what the NSMgr holds for the connection now, or null for nothing.</summary>
    public sealed record HeldFound(Connection? Held) : ConnectionInput;

    /// <summary>Outcome of a <see cref="ConnectionEffect.SendClose"/> the machine waits for: the NSMgr closed it.</summary>
    public sealed record CloseAnswered : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.Persist"/>: the write is stored.</summary>
    public sealed record StorageWritten : ConnectionInput;

    /// <summary>Outcome of <see cref="ConnectionEffect.Persist"/>: nothing was stored.</summary>
    /// <param name="Conflict">Another activation of this connection wrote since this one read (a version conflict).</param>
    public sealed record StorageFailed(Exception Error, bool Conflict) : ConnectionInput;
}
