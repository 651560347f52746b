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
public sealed class ConnectionMachine
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

    // The machine's own call or write whose outcome is the next input (an attempt's are the attempt's).
    private Awaiting? _awaiting;

    // The state being written, and what runs once it is stored.
    private ConnectionState? _writing;
    private List<ConnectionEffect> _afterWrite = [];

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
                break;
            case RequestAsked request:
                OnRequest(request, effects);
                break;
            case AdoptAsked adopt:
                OnAdopt(adopt, effects);
                break;
            case CloseAsked close:
                OnClose(close.Reason, effects);
                break;
            case Triggered { About: { } about } triggered when !MonitorEventRelevance.IsAboutCurrent(State.Connection, about):
                effects.Add(new Observe(new ConnectionNote.StaleTrigger(triggered.Trigger, about.NetworkServiceEndpointName)));
                break;
            case Triggered triggered:
                ActOnTrigger(triggered.Trigger, effects);
                break;
            case MissingAtNsmgr missing:
                OnMissingAtNsmgr(missing.SnapshotAt, effects);
                break;
            case ControlPlaneRestored when State.Phase == ConnectionPhase.Healing:
                // Backoff resets when the NSMgr returns, so nobody sits out a long delay after recovery.
                ScheduleAttempt(Now, effects);
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
            case BackstopTick when State.Phase != ConnectionPhase.Healing:
                effects.Add(new DropBackstop());
                break;
            case BackstopTick:
                // Idempotent: re-arming repairs a timer lost to a failover, a deactivation or a failed wakeup.
                effects.Add(new ScheduleWakeup(HealAttempt.NextDue(State, _env)));
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

    private void OnRequest(RequestAsked request, EffectBatch effects)
    {
        if (IsOpen(State.Phase))
        {
            AlreadyRegistered(request.NsmgrAddress, request.Prepared.Connection.NetworkService, effects);
            return;
        }

        _awaiting = new Awaiting.InitialRequest(State.Phase, request);
        State.Phase = ConnectionPhase.Requesting;
        effects.Add(new Publish());
        effects.Add(new SendRequest(RequestPurpose.Initial, request.NsmgrAddress, request.Prepared, request.Policy.RequestTimeout));
    }

    private void OnAdopt(AdoptAsked adopt, EffectBatch effects)
    {
        if (IsOpen(State.Phase))
        {
            AlreadyRegistered(adopt.NsmgrAddress, adopt.Request.Connection.NetworkService, effects);
            return;
        }

        State = new ConnectionState
        {
            Phase = ConnectionPhase.Up,
            NsmgrAddress = adopt.NsmgrAddress,
            Policy = adopt.Policy,
            LastGoodRequest = adopt.Request,
            History = State.History,
        };
        BecomeUp(Write.Adopt, effects);
        effects.Add(new Answer());
    }

    /// <summary>A repeated Request from the same NSC (e.g. after it restarted) gets the connection it already has.</summary>
    private void AlreadyRegistered(string nsmgrAddress, string networkService, EffectBatch effects)
    {
        if (State.NsmgrAddress == nsmgrAddress && State.Connection?.NetworkService == networkService)
        {
            effects.Add(new Answer());
            return;
        }

        effects.Add(new Fail(new InvalidOperationException(
            $"connection '{_id}' is already registered ({State.Phase}) for network service '{State.Connection?.NetworkService}' " +
            $"at NSMgr {State.NsmgrAddress}; close it before requesting it again elsewhere")));
    }

    /// <summary>Close wins: it cancels any heal (its shell already stopped the call in flight); no heal runs after it.</summary>
    private void OnClose(string reason, EffectBatch effects)
    {
        if (State.Phase is ConnectionPhase.None or ConnectionPhase.Closed)
        {
            effects.Add(new EndWatches());
            effects.Add(new Answer());
            return;
        }

        if (State.NsmgrAddress is { } address)
        {
            Attempt.Abandon(address, PermitReturn.CancelledByClose, effects);
        }

        State.Phase = ConnectionPhase.Closing;
        State.Reason = reason;
        effects.Add(new StopWakeup());
        effects.Add(new DropBackstop());
        if (State.CurrentHeal is { } heal)
        {
            var cancelled = heal with { Outcome = HealOutcome.Cancelled, EndedAt = Now, Detail = "closed while healing" };
            AppendHistory(cancelled);
            effects.Add(new Observe(new ConnectionNote.HealEnded(cancelled)));
        }

        effects.Add(new Publish());
        if (State.Connection is { } connection && State.NsmgrAddress is { } nsmgr)
        {
            _awaiting = new Awaiting.FinalClose(nsmgr);
            effects.Add(new SendClose(ClosePurpose.Final, nsmgr, HealRequests.ForClose(connection), State.Policy.RequestTimeout));
            return;
        }

        BecomeClosed(effects);
    }

    private void BecomeClosed(EffectBatch effects)
    {
        State.Phase = ConnectionPhase.Closed;
        ClearHealProgress();
        State.RefreshDueAt = null;
        State.TriggerWhilePaused = null;
        Persist(Write.Close, effects);
        effects.Add(new Observe(new ConnectionNote.ConnectionClosed()));
        effects.Add(new Publish());
        // Watchers read the end of their stream; idle collection reclaims the activation.
        effects.Add(new EndWatches());
        effects.Add(new Answer());
    }

    private void OnMissingAtNsmgr(DateTimeOffset snapshotAt, EffectBatch effects)
    {
        // A snapshot a little older than our last answer from the NSMgr predates it: restoring again would be redundant.
        if (State.Phase == ConnectionPhase.Up && _upSince is { } upSince && upSince >= snapshotAt - SnapshotClockMargin)
        {
            effects.Add(new Observe(new ConnectionNote.TriggerIgnored(State.Phase, HealTrigger.ControlPlaneLost)));
            return;
        }

        ActOnTrigger(HealTrigger.ControlPlaneLost, effects);
    }

    private void OnDataPlaneReported(DataPlaneReported reported, EffectBatch effects)
    {
        if (reported.Checked is { } checkedConnection && !MonitorEventRelevance.IsAboutCurrent(State.Connection, checkedConnection))
        {
            effects.Add(new Observe(new ConnectionNote.StaleDataPlaneVerdict(reported.Verdict, checkedConnection.NetworkServiceEndpointName)));
            return;
        }

        var changed = reported.Verdict != _reportedDataPlane;
        _reportedDataPlane = reported.Verdict;
        _dataPlaneReportedAt = Now;
        if (reported.Verdict == DataPlaneVerdict.Down)
        {
            // Every Down, not only a change: a connection left Up on a dead vWire (e.g. a restore finished meanwhile)
            // must still move when the NSC says so again.
            ActOnTrigger(HealTrigger.DataPlaneDown, effects);
        }
        else if (changed)
        {
            effects.Add(new Publish());
        }
    }

    private void OnPause(string reason, EffectBatch effects)
    {
        if (!IsOpen(State.Phase) || State.Phase == ConnectionPhase.Paused)
        {
            effects.Add(new Answer());
            return;
        }

        Attempt.Abandon(State.NsmgrAddress!, PermitReturn.Unused, effects);
        effects.Add(new StopWakeup());
        effects.Add(new DropBackstop());
        State.Phase = ConnectionPhase.Paused;
        State.Reason = string.IsNullOrWhiteSpace(reason) ? "paused by an operator" : reason;
        State.NextAttemptAt = null;
        Persist(Write.Pause, effects);
        effects.Add(new Publish());
        effects.Add(new Answer());
    }

    /// <summary>At resume the data plane's state now decides what a trigger remembered while paused becomes.</summary>
    private void OnResume(EffectBatch effects)
    {
        if (State.Phase != ConnectionPhase.Paused)
        {
            effects.Add(new Answer());
            return;
        }

        var missed = PausedTriggers.AtResume(State.TriggerWhilePaused, DataPlane);
        State.TriggerWhilePaused = null;
        State.Reason = null;
        if (State.CurrentHeal is not null)
        {
            State.Phase = ConnectionPhase.Healing;
            State.NextAttemptAt = Now;
            Persist(Write.Resume, effects);
            effects.Add(new ScheduleWakeup(Now));
            effects.Add(new EnsureBackstop(Alongside: false));
            effects.Add(new Publish());
        }
        else
        {
            BecomeUp(Write.Resume, effects);
        }

        effects.Add(new Answer());
        if (missed is { } trigger)
        {
            effects.Add(new Continue(new Triggered(trigger)));
        }
    }

    private void OnWakeup(EffectBatch effects)
    {
        var dueAt = State.Phase switch
        {
            ConnectionPhase.Healing => HealAttempt.NextDue(State, _env),
            ConnectionPhase.Up => State.RefreshDueAt,
            _ => null,
        };
        if (dueAt is null)
        {
            return;
        }

        if (dueAt > Now)
        {
            // Timers may fire a little early; never let an early tick drop the scheduled work.
            effects.Add(new ScheduleWakeup(dueAt.Value));
        }
        else if (State.Phase == ConnectionPhase.Up)
        {
            Refresh(effects);
        }
        else if (HealAttempt.ElsewhereUntil(State, _env) is { } safeAt)
        {
            effects.Add(new Observe(new ConnectionNote.AttemptElsewhere(State.AttemptStartedAt!.Value)));
            ScheduleAttempt(safeAt, effects);
        }
        else
        {
            Attempt.Begin(State, _env, effects);
        }
    }

    /// <summary>Asks <see cref="HealDecider"/> and acts.</summary>
    private void ActOnTrigger(HealTrigger trigger, EffectBatch effects)
    {
        if (State.Phase == ConnectionPhase.Paused)
        {
            RememberWhilePaused(trigger, effects);
            return;
        }

        var decision = HealDecider.Decide(trigger, new HealSituation(State.Phase, State.CurrentHeal?.Decision, DataPlane, State.Policy));
        switch (decision)
        {
            case HealDecision.Ignore:
                effects.Add(new Observe(new ConnectionNote.TriggerIgnored(State.Phase, trigger)));
                break;
            case HealDecision.Refresh:
                Refresh(effects);
                break;
            default:
                StartOrSwitchHeal(trigger, decision, effects);
                break;
        }
    }

    private void RememberWhilePaused(HealTrigger trigger, EffectBatch effects)
    {
        var remembered = PausedTriggers.Remember(State.TriggerWhilePaused, trigger);
        if (remembered == State.TriggerWhilePaused)
        {
            return;
        }

        State.TriggerWhilePaused = remembered;
        Persist(Write.Bookkeeping, effects);
        effects.Add(new Observe(new ConnectionNote.PausedTrigger(trigger)));
    }

    /// <summary>A keep-alive: the last good request again, so path tokens never expire. Not a heal.</summary>
    private void Refresh(EffectBatch effects)
    {
        var request = HealRequests.Restore(State.LastGoodRequest!);
        _awaiting = new Awaiting.Refresh(request);
        effects.Add(new SendRequest(RequestPurpose.Refresh, State.NsmgrAddress!, request, State.Policy.RequestTimeout));
    }

    private void StartOrSwitchHeal(HealTrigger trigger, HealDecision decision, EffectBatch effects)
    {
        if (State is { Phase: ConnectionPhase.Healing, CurrentHeal: { } heal })
        {
            if (heal.Decision != decision)
            {
                State.CurrentHeal = heal with { Decision = decision };
                State.OldConnectionClosed = false;
                effects.Add(new Observe(new ConnectionNote.HealSwitched(heal.IncidentId, decision, trigger)));
            }

            ScheduleAttempt(Now, effects);
            return;
        }

        ClearHealProgress();
        State.CurrentHeal = new HealRecord
        {
            IncidentId = Guid.NewGuid().ToString("N"),
            Trigger = trigger,
            Decision = decision,
            StartedAt = Now,
            EndpointBefore = State.Connection?.NetworkServiceEndpointName,
        };
        State.Phase = ConnectionPhase.Healing;
        State.Reason = $"{trigger}: {decision}";
        State.RefreshDueAt = null;
        State.NextAttemptAt = Now;
        effects.Add(new Observe(new ConnectionNote.HealStarted(State.CurrentHeal.IncidentId, trigger, decision)));
        // The first attempt leaves at once: its claim stores the heal, and the backstop is registered alongside it.
        _healStartUnsaved = true;
        effects.Add(new EnsureBackstop(Alongside: true));
        effects.Add(new ScheduleWakeup(Now));
        effects.Add(new Publish());
    }

    private void ScheduleAttempt(DateTimeOffset at, EffectBatch effects)
    {
        State.NextAttemptAt = at;
        effects.Add(new ScheduleWakeup(at));
        Persist(Write.Bookkeeping, effects);
        effects.Add(new EnsureBackstop(Alongside: false));
        effects.Add(new Publish());
    }

    private void OnAttemptOutcome(ConnectionInput outcome, EffectBatch effects)
    {
        switch (Attempt.Handle(outcome, State, _env, effects))
        {
            case null:
                break;
            case AttemptEnd.Healed healed:
                CompleteHeal(healed.Sent, healed.Answer, effects);
                break;
            case AttemptEnd.Failed failed:
                OnAttemptFailed(failed.Error, failed.StatusCode, effects);
                break;
            case AttemptEnd.CancelledByClose:
                // The Close waiting behind this attempt takes over.
                break;
            case AttemptEnd.NotAdmitted notAdmitted:
                var heal = State.CurrentHeal!;
                if (notAdmitted.Unreachable is { } error)
                {
                    effects.Add(new Observe(new ConnectionNote.AdmissionUnreachable(heal.IncidentId, error)));
                }

                // Not an attempt, and a wait in the queue is not worth a write: only a heal not yet stored at all is.
                State.NextAttemptAt = Now + (notAdmitted.RetryAfter ?? Backoff.Delay(State.Policy, heal.Attempts + 1, _env.NextJitter()));
                effects.Add(new ScheduleWakeup(State.NextAttemptAt.Value));
                if (_healStartUnsaved)
                {
                    Persist(Write.Bookkeeping, effects);
                }

                break;
            case AttemptEnd.ClaimFailed { Conflict: true } conflict:
                StandDown(conflict.Error, effects);
                break;
            case AttemptEnd.ClaimFailed failedClaim:
                // Storage unreachable: no attempt without its claim. Try again a backoff step later.
                effects.Add(new Observe(new ConnectionNote.WriteFailed("claim a heal attempt", failedClaim.Error.Message)));
                effects.Add(new ScheduleWakeup(Now + Backoff.Delay(State.Policy, State.CurrentHeal!.Attempts + 1, _env.NextJitter())));
                break;
        }
    }

    private void CompleteHeal(NetworkServiceRequest sent, Connection answer, EffectBatch effects)
    {
        var heal = State.CurrentHeal!;
        var finished = heal with
        {
            Attempts = heal.Attempts + 1,
            EndedAt = Now,
            Outcome = HealOutcome.Healed,
            EndpointAfter = answer.NetworkServiceEndpointName,
        };
        AppendHistory(finished);
        State.LastGoodRequest = HealRequests.WithAnswer(sent, answer);
        if (heal.Decision == HealDecision.Reselect)
        {
            // A new vWire: whatever was said about the old one no longer applies.
            _reportedDataPlane = DataPlaneVerdict.Unknown;
            _dataPlaneReportedAt = null;
        }

        // A restore's answer is the connection stored already; a reselect's is a new one, to be undone if not stored.
        BecomeUp(new Write.HealDone(State.NsmgrAddress!, heal.Decision == HealDecision.Reselect ? answer : null), effects);
        effects.Add(new Observe(new ConnectionNote.HealEnded(finished)));
        // Up is stored first; a reminder left behind unregisters itself at its next tick once it sees Up.
        effects.Add(new DropBackstop());
    }

    private void OnAttemptFailed(Exception error, string statusCode, EffectBatch effects)
    {
        State.AttemptStartedAt = null;
        State.AttemptSilo = null;
        var heal = State.CurrentHeal! with { Attempts = State.CurrentHeal!.Attempts + 1, Detail = error.Message };
        // Identity trouble is neither an outage nor a refusal of the endpoint: it never counts as a rejected restore.
        if (heal.Decision == HealDecision.Restore && !NsmgrFailure.IsUnreachable(statusCode) && !HealDecider.HoldsForIdentity(statusCode))
        {
            State.RejectedRestores++;
            State.FirstRestoreRejectionAt ??= Now;
        }

        var plan = RetryPlanner.AfterFailure(
            heal.Decision, heal.Attempts, State.RejectedRestores, State.FirstRestoreRejectionAt,
            heal.StartedAt, DataPlane, Now, State.Policy, _env.NextJitter(), (statusCode, error.Message));
        switch (plan)
        {
            case RetryPlan.HoldForIdentity hold:
                // The heal waits for identity in plain sight (Reason) and retries the same decision; nothing moves or closes.
                State.CurrentHeal = heal with { Detail = hold.Reason };
                State.Reason = hold.Reason;
                effects.Add(new Observe(new ConnectionNote.HealHeldForIdentity(heal.IncidentId, heal.Decision, hold.Delay, hold.Reason)));
                ScheduleAttempt(Now + hold.Delay, effects);
                effects.Add(new Publish());
                break;
            case RetryPlan.RetryAfter retry:
                State.CurrentHeal = heal;
                effects.Add(new Observe(new ConnectionNote.HealAttemptFailed(heal.IncidentId, heal.Decision, heal.Attempts, retry.Delay, error.Message)));
                ScheduleAttempt(Now + retry.Delay, effects);
                break;
            case RetryPlan.EscalateToReselect escalate:
                State.CurrentHeal = heal with { Decision = HealDecision.Reselect, Escalated = true, Detail = $"{escalate.Reason}; last error: {error.Message}" };
                State.OldConnectionClosed = false;
                effects.Add(new Observe(new ConnectionNote.HealEscalated(heal.IncidentId, escalate.Reason)));
                ScheduleAttempt(Now, effects);
                break;
            case RetryPlan.GiveUp giveUp:
                var reason = $"{giveUp.Reason}; last error: {error.Message}";
                var failed = heal with { Outcome = HealOutcome.Failed, EndedAt = Now, Detail = reason };
                AppendHistory(failed);
                ClearHealProgress();
                State.Phase = ConnectionPhase.Failed;
                State.Reason = reason;
                effects.Add(new StopWakeup());
                effects.Add(new DropBackstop());
                Persist(Write.GiveUp, effects);
                effects.Add(new Observe(new ConnectionNote.HealEnded(failed)));
                effects.Add(new Publish());
                break;
        }
    }

    /// <summary>Enters (or stays) Up: stores it, then schedules the next refresh, registers with the monitor, tells watchers.</summary>
    private void BecomeUp(Write write, EffectBatch effects)
    {
        ClearHealProgress();
        State.Phase = ConnectionPhase.Up;
        State.Reason = null;
        State.RefreshDueAt = RefreshSchedule.NextRefreshAt(State.Connection!, Now, State.Policy.RefreshFraction);
        Persist(write, effects);
        _upSince = Now;
        effects.Add(State.RefreshDueAt is { } refreshAt ? new ScheduleWakeup(refreshAt) : new StopWakeup());
        effects.Add(new EnsureMonitored(State.NsmgrAddress!));
        effects.Add(new Observe(new ConnectionNote.ConnectionUp(State.Connection!.NetworkServiceEndpointName, State.NsmgrAddress!)));
        effects.Add(new Publish());
    }

    private void OnOutcome(Awaiting awaiting, ConnectionInput outcome, EffectBatch effects)
    {
        switch (awaiting, outcome)
        {
            case (Awaiting.InitialRequest initial, RequestAnswered answered):
                var request = initial.Request;
                State = new ConnectionState
                {
                    Phase = ConnectionPhase.Up,
                    NsmgrAddress = request.NsmgrAddress,
                    Policy = request.Policy,
                    LastGoodRequest = HealRequests.WithAnswer(request.Prepared, answered.Answer),
                    History = State.History,
                };
                BecomeUp(new Write.Initial(request.NsmgrAddress, answered.Answer), effects);
                effects.Add(new Answer());
                break;
            case (Awaiting.InitialRequest initial, CallFailed failed):
                effects.Add(new Observe(new ConnectionNote.InitialRequestFailed(failed.Error.Message)));
                if (NsmgrFailure.MayHaveTakenEffect(failed.StatusCode))
                {
                    var prepared = initial.Request;
                    effects.Add(new SendClose(ClosePurpose.Compensate, prepared.NsmgrAddress, HealRequests.ForClose(prepared.Prepared.Connection), prepared.Policy.RequestTimeout));
                }

                State.Phase = initial.PhaseBefore;
                effects.Add(new Publish());
                effects.Add(new Fail(failed.Error));
                break;
            case (Awaiting.Refresh refresh, RequestAnswered answered):
                State.LastGoodRequest = HealRequests.WithAnswer(refresh.Sent, answered.Answer);
                effects.Add(new Observe(new ConnectionNote.Refreshed(true, null)));
                BecomeUp(Write.Bookkeeping, effects);
                break;
            case (Awaiting.Refresh, CallFailed { CancelledByClose: true }):
                break;
            case (Awaiting.Refresh, CallFailed failed):
                effects.Add(new Observe(new ConnectionNote.Refreshed(false, failed.Error.Message)));
                var decision = HealDecider.Decide(HealTrigger.RefreshFailed, new HealSituation(State.Phase, null, DataPlane, State.Policy));
                StartOrSwitchHeal(HealTrigger.RefreshFailed, decision, effects);
                break;
            case (Awaiting.FinalClose close, CloseAnswered or CallFailed):
                // A Close that fails leaves the connection to expire at the NSMgr with its tokens.
                effects.Add(new StopMonitoring(close.NsmgrAddress));
                BecomeClosed(effects);
                break;
            case (Awaiting.Writing, StorageWritten):
                AddAll(_afterWrite, effects);
                break;
            case (Awaiting.Writing writing, StorageFailed failed):
                OnWriteFailed(writing.Write, failed, effects);
                break;
            default:
                throw new InvalidOperationException($"{outcome.GetType().Name} arrived while waiting for {awaiting.GetType().Name}");
        }
    }

    /// <summary>
    /// A write that storage refused. A version conflict means another activation of this connection wrote since this
    /// one read (Orleans can briefly run two while the grain directory moves): this one stands down. Otherwise the state
    /// rolls back to the last one stored, what the NSMgr already did is undone where it can be, and the caller is told;
    /// only a heal's progress runs ahead of storage, to be stored with its next claim.
    /// </summary>
    private void OnWriteFailed(Write write, StorageFailed failed, EffectBatch effects)
    {
        var error = failed.Error.Message;
        if (failed.Conflict)
        {
            StandDown(failed.Error, effects);
            return;
        }

        switch (write)
        {
            case Write.Progress:
                effects.Add(new Observe(new ConnectionNote.WriteFailed("store a heal's progress (stored with its next claim)", error)));
                AddAll(_afterWrite, effects);
                break;
            case Write.Initial initial:
                effects.Add(new SendClose(ClosePurpose.Compensate, initial.NsmgrAddress, HealRequests.ForClose(initial.Answer), State.Policy.RequestTimeout));
                RollBack(effects);
                effects.Add(new Fail(new InvalidOperationException(
                    $"connection '{_id}': the NSMgr accepted the Request, but the connection could not be stored ({error}); " +
                    "it was closed again and nothing is registered: request it again")));
                break;
            case Write.HealDone healed:
                // A new connection not stored would be unknown after a failover: undo it and heal again from what is stored.
                if (healed.NewConnection is { } reselected)
                {
                    effects.Add(new SendClose(ClosePurpose.Compensate, healed.NsmgrAddress, HealRequests.ForClose(reselected), State.Policy.RequestTimeout));
                }

                effects.Add(new Observe(new ConnectionNote.WriteFailed("store a healed connection (the heal goes on)", error)));
                RollBackHeal(effects);
                break;
            case Write.GiveUpWrite:
                effects.Add(new Observe(new ConnectionNote.WriteFailed("store a heal that gave up (the heal goes on)", error)));
                RollBackHeal(effects);
                break;
            default:
                RollBack(effects);
                effects.Add(new Fail(new InvalidOperationException(
                    $"connection '{_id}': {write.What} could not be stored ({error}); nothing changed: the connection is {State.Phase}")));
                break;
        }
    }

    /// <summary>Back to the heal as stored; this activation's own attempt is over, so its claim is not waited out.</summary>
    private void RollBackHeal(EffectBatch effects)
    {
        RollBack(effects);
        if (State.Phase == ConnectionPhase.Healing)
        {
            State.AttemptStartedAt = null;
            State.AttemptSilo = null;
            State.NextAttemptAt = Now + Backoff.Delay(State.Policy, State.CurrentHeal!.Attempts + 1, _env.NextJitter());
            effects.Add(new ScheduleWakeup(State.NextAttemptAt.Value));
        }
    }

    private void StandDown(Exception conflict, EffectBatch effects)
    {
        RollBack(effects);
        effects.Add(new StandDown(conflict.Message));
        effects.Add(new Fail(conflict));
    }

    /// <summary>The state as last stored, with its timers and reminder as that state needs them.</summary>
    private void RollBack(EffectBatch effects)
    {
        State = _stored.Copy();
        _healStartUnsaved = false;
        Rearm(effects);
        if (State.Phase == ConnectionPhase.Healing)
        {
            effects.Add(new EnsureBackstop(Alongside: true));
        }

        effects.Add(new Publish());
    }

    /// <summary>Whatever the state has due: its heal's next attempt, or its refresh.</summary>
    private void Rearm(EffectBatch effects)
    {
        if (State.Phase == ConnectionPhase.Healing)
        {
            effects.Add(new ScheduleWakeup(HealAttempt.NextDue(State, _env)));
        }
        else if (State is { Phase: ConnectionPhase.Up, RefreshDueAt: { } refreshAt })
        {
            effects.Add(new ScheduleWakeup(refreshAt));
        }
        else
        {
            effects.Add(new StopWakeup());
        }
    }

    private void Persist(Write write, EffectBatch effects)
    {
        _awaiting = new Awaiting.Writing(write);
        effects.Persist(State);
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

        public sealed record FinalClose(string NsmgrAddress) : Awaiting;

        public sealed record Writing(Write Write) : Awaiting;
    }

    /// <summary>What a write stores, which says what a failure of it undoes.</summary>
    private abstract record Write(string What)
    {
        public static readonly Write Adopt = new Simple("the adopted connection");
        public static readonly Write Close = new Simple("the Close (sent to the NSMgr)");
        public static readonly Write Pause = new Simple("the pause");
        public static readonly Write Resume = new Simple("the resume");
        public static readonly Write GiveUp = new GiveUpWrite();
        public static readonly Write Bookkeeping = new Progress();

        public sealed record Simple(string Name) : Write(Name);

        /// <summary>A heal's progress, or a refresh: nothing the NSMgr did depends on it being stored now.</summary>
        public sealed record Progress() : Write("a heal's progress");

        public sealed record GiveUpWrite() : Write("a heal that gave up");

        public sealed record Initial(string NsmgrAddress, Connection Answer) : Write("the new connection");

        public sealed record HealDone(string NsmgrAddress, Connection? NewConnection) : Write("the healed connection");
    }
}
