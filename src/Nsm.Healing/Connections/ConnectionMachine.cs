using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

/// <summary>
/// One NSM connection as a pure state machine: its state, what is known of its data plane, and every rule about what
/// happens next. Each input returns the effects to carry out, in order; the outcome of an effect that feeds back is
/// the next input. No Orleans, gRPC or I/O: <see cref="HealDecider"/> and <see cref="RetryPlanner"/> are the tables it
/// consults, <see cref="HealAttempt"/> runs each attempt and owns its permits.
/// </summary>
/// <remarks>
/// Its shell feeds one input at a time and runs the effects to the end before the next (the single writer), so at
/// most one NSMgr call is ever outstanding. A write that fails leaves nothing half-done: the state rolls back to the
/// last one stored, what the NSMgr already did is undone where it can be, and the caller gets the error.
/// </remarks>
public sealed partial class ConnectionMachine
{
    private const int HistoryLimit = 32;

    // A snapshot this much older than our last answer from the NSMgr predates it; the margin absorbs clock skew.
    private static readonly TimeSpan SnapshotClockMargin = TimeSpan.FromSeconds(1);

    private readonly string _id;
    private readonly IConnectionEnvironment _env;
    private ConnectionState _stored;
    private DataPlaneVerdict _reportedDataPlane;
    private DateTimeOffset? _dataPlaneReportedAt;
    private DateTimeOffset? _upSince;

    // A heal started and not yet written: its first attempt's claim usually writes it.
    private bool _healStartUnsaved;

    // Admissions this heal could not reach in a row (its silo died, it is moving): the backoff to asking again grows with
    // them, as it does with failed attempts.
    private int _admissionMisses;

    // The machine's own call or write whose outcome is the next input (an attempt's are the attempt's).
    private Awaiting? _awaiting;

    // The state being written, and what runs once it is stored: dropped once run, so an idle connection holds neither.
    private ConnectionState? _writing;
    private List<ConnectionEffect>? _afterWrite;

    public ConnectionMachine(string id, ConnectionState stored, IConnectionEnvironment env)
    {
        _id = id;
        _env = env;
        _stored = stored.Copy();
        State = stored.Copy();
        Attempt = new HealAttempt(id);
    }

    /// <summary>The state now; equal to the last one stored whenever no step is under way, but for a heal not yet claimed.</summary>
    public ConnectionState State { get; private set; }

    public HealAttempt Attempt { get; }

    /// <summary>Whether the machine waits for the outcome of an effect it asked for.</summary>
    public bool AwaitingOutcome => _awaiting is not null || Attempt.InProgress;

    /// <summary>What the connection may believe about its data plane now (see <see cref="DataPlaneKnowledge"/>).</summary>
    public DataPlaneVerdict DataPlane =>
        DataPlaneKnowledge.Effective(_reportedDataPlane, _dataPlaneReportedAt, _env.Now, State.Policy.DataPlaneVerdictLifetime);

    private DateTimeOffset Now => _env.Now;

    public IReadOnlyList<ConnectionEffect> Handle(ConnectionInput input)
    {
        var effects = new EffectBatch();
        if (input is OrphanSuspected)
        {
            OrphanVerdict = null;
        }

        if (input is StorageWritten)
        {
            _stored = _writing ?? throw new InvalidOperationException("StorageWritten arrived with no write under way");
            _healStartUnsaved = false;
        }

        _writing = null;
        if (Attempt.InProgress)
        {
            OnAttemptOutcome(input, effects);
        }
        else if (_awaiting is { } awaiting)
        {
            _awaiting = null;
            OnOutcome(awaiting, input, effects);
        }
        else
        {
            OnInput(input, effects);
        }

        if (effects.AfterWrite is { } afterWrite)
        {
            _writing = ((Persist)effects.Now[^1]).State;
            _afterWrite = afterWrite;
        }

        return effects.Now;
    }

    private void OnInput(ConnectionInput input, EffectBatch effects)
    {
        switch (input)
        {
            case Activated:
                Rearm(effects);
                HoldStatedNamespace(effects);
                CarryOverNscVerdict();
                break;
            case RequestAsked request:
                OnRequest(request, effects);
                break;
            case AdoptAsked adopt:
                OnAdopt(adopt, effects);
                break;
            case CloseAsked close:
                OnClose(close, effects);
                break;
            case OperatorHealAsked operatorHeal:
                OnOperatorHeal(operatorHeal, effects);
                break;
            case Triggered { About: { } about } triggered when !MonitorEventRelevance.IsAboutCurrent(State.Connection, about):
                effects.Add(new Observe(new ConnectionNote.StaleTrigger(triggered.Trigger, about.NetworkServiceEndpointName)));
                break;
            case Triggered triggered:
                ActOnTrigger(triggered.Trigger, effects);
                break;
            case OrphanSuspected suspected:
                OnOrphanSuspected(suspected, effects);
                break;
            case MissingAtNsmgr missing:
                OnMissingAtNsmgr(missing.SnapshotAt, effects);
                break;
            case ControlPlaneRestored when State.Phase == ConnectionPhase.Healing:
                // Backoff resets when the NSMgr returns, so nobody sits out a long delay after recovery.
                ScheduleAttempt(Now, effects);
                break;
            case ControlPlaneRestored when State is { Phase: ConnectionPhase.Closing, NextAttemptAt: not null }:
                RetryClose(effects);
                break;
            case NscGone gone:
                OnNscGone(gone.Reason, effects);
                break;
            case DataPlaneReported reported:
                OnDataPlaneReported(reported, effects);
                break;
            case PauseAsked pause:
                OnPause(pause.Reason, effects);
                break;
            case ResumeAsked:
                OnResume(effects);
                break;
            case WakeupDue:
                OnWakeup(effects);
                break;
            case BackstopTick when State.Phase is not (ConnectionPhase.Healing or ConnectionPhase.Closing):
                effects.Add(new DropBackstop());
                break;
            case BackstopTick:
                // Idempotent: re-arming repairs a timer lost to a failover, a deactivation or a failed wakeup.
                effects.Add(new ScheduleWakeup(State.Phase == ConnectionPhase.Closing ? State.NextAttemptAt ?? Now : HealAttempt.NextDue(State, _env)));
                break;
            case HealAdmitted when State.Phase == ConnectionPhase.Healing:
                Attempt.Admitted();
                ScheduleAttempt(Now, effects);
                break;
            case HealAdmitted when State.NsmgrAddress is { } address:
                // The heal ended meanwhile (healed, closed, paused): the permit goes back unused.
                effects.Add(new ReturnPermit(address, _id, PermitReturn.Unused));
                break;
            case ControlPlaneRestored or HealAdmitted:
                break;
            default:
                throw new InvalidOperationException($"{input.GetType().Name} arrived with no effect waiting for it");
        }
    }

    private static void AddAll(List<ConnectionEffect> source, EffectBatch effects)
    {
        foreach (var effect in source)
        {
            effects.Add(effect);
        }
    }

    private static bool IsOpen(ConnectionPhase phase) =>
        phase is ConnectionPhase.Requesting or ConnectionPhase.Up or ConnectionPhase.Healing or ConnectionPhase.Paused;

    private void AppendHistory(HealRecord record)
    {
        State.History.Add(record);
        if (State.History.Count > HistoryLimit)
        {
            State.History.RemoveRange(0, State.History.Count - HistoryLimit);
        }
    }

    private void ClearHealProgress()
    {
        State.CurrentHeal = null;
        State.RejectedRestores = 0;
        State.FirstRestoreRejectionAt = null;
        State.OldConnectionClosed = false;
        State.NextAttemptAt = null;
        State.AttemptStartedAt = null;
        State.AttemptSilo = null;
    }

    /// <summary>What the machine waits for, when it is its own call or write rather than an attempt's.</summary>
    private abstract record Awaiting
    {
        public sealed record InitialRequest(ConnectionPhase PhaseBefore, RequestAsked Request) : Awaiting;

        public sealed record Refresh(NetworkServiceRequest Sent) : Awaiting;

        /// <param name="Forced">An operator's forced Close: it ends the connection even when the NSMgr does not confirm it.</param>
        public sealed record FinalClose(string NsmgrAddress, bool Forced = false) : Awaiting;

        public sealed record Writing(Write Write) : Awaiting;
    }

    /// <summary>What a write stores, which says what a failure of it undoes.</summary>
    private abstract record Write(string What)
    {
        public static readonly Write Adopt = new Simple("the adopted connection");
        public static readonly Write Close = new Simple("the Close (sent to the NSMgr)");
        public static readonly Write CloseRetry = new Simple("the retry of a Close the NSMgr did not confirm");
        public static readonly Write Abandon = new Simple("a Close never confirmed (Abandoned)");
        public static readonly Write Pause = new Simple("the pause");
        public static readonly Write Resume = new Simple("the resume");
        public static readonly Write GiveUp = new GiveUpWrite();
        public static readonly Write Bookkeeping = new Progress("a heal's progress");
        public static readonly Write NscChecks = new Progress("that the NSC checks the data plane");

        public sealed record Simple(string Name) : Write(Name);

        /// <summary>A heal's progress, a refresh, or what was learned of the NSC: nothing the NSMgr did depends on it being stored now.</summary>
        public sealed record Progress(string Name) : Write(Name);

        public sealed record GiveUpWrite() : Write("a heal that gave up");

        public sealed record Initial(string NsmgrAddress, Connection Answer) : Write("the new connection");

        public sealed record HealDone(string NsmgrAddress, Connection? NewConnection) : Write("the healed connection");
    }
}
