using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// Faults, liveness, pause and resume, wakeups, and the heal they start: when to heal, how, and its outcome.
public sealed partial class ConnectionMachine
{
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
        var firstReport = !State.NscChecksDataPlane;
        State.NscChecksDataPlane = true;
        _reportedDataPlane = reported.Verdict;
        _dataPlaneReportedAt = Now;
        if (reported.Verdict == DataPlaneVerdict.Down)
        {
            // Every Down, not only a change: a connection left Up on a dead vWire (e.g. a restore finished meanwhile)
            // must still move when the NSC says so again. The heal's claim stores that the NSC checks.
            ActOnTrigger(HealTrigger.DataPlaneDown, effects);
            return;
        }

        if (changed)
        {
            effects.Add(new Publish());
        }

        if (firstReport && State.Phase == ConnectionPhase.Up)
        {
            // Once per connection. Up has no write coming; in any other phase the next one (a heal's claim, the resume) stores it.
            Persist(Write.NscChecks, effects);
        }
    }

    /// <summary>
    /// A new activation (a failover, a deactivation) knows nothing of the data plane, but the NSC that checks it does, and
    /// said nothing against it while the connection was stored Up (its Down would have stored a heal). Until the NSC's
    /// next report, at most the verdict lifetime, its "up" stands: a DOWN meanwhile restores, as it would have before
    /// the failover, rather than moving the workload because this service lost its memory.
    /// </summary>
    private void CarryOverNscVerdict()
    {
        if (State is { Phase: ConnectionPhase.Up, NscChecksDataPlane: true })
        {
            _reportedDataPlane = DataPlaneVerdict.Up;
            _dataPlaneReportedAt = Now;
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
            ConnectionPhase.Closing => State.NextAttemptAt,
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
        else if (WaitingForHomeNode(effects))
        {
            return;
        }
        else if (State.Phase == ConnectionPhase.Up)
        {
            Refresh(effects);
        }
        else if (State.Phase == ConnectionPhase.Closing)
        {
            RetryClose(effects);
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
        if (trigger is HealTrigger.ControlPlaneLost or HealTrigger.ConnectionDeleted && State.Phase is not ConnectionPhase.None)
        {
            // Whatever is decided now, a Close that follows may meet an NSMgr that restarted.
            State.NsmgrMayHaveForgotten = true;
        }

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
        if (WaitingForHomeNode(effects))
        {
            return;
        }

        var request = HealRequests.Restore(State.LastGoodRequest!);
        _awaiting = new Awaiting.Refresh(request);
        effects.Add(new SendRequest(RequestPurpose.Refresh, State.NsmgrAddress!, request, State.Policy.RequestTimeout));
    }

    private void StartOrSwitchHeal(HealTrigger trigger, HealDecision decision, EffectBatch effects)
    {
        if (decision == HealDecision.Restore)
        {
            // A restore is chosen when the control plane is in doubt: the NSMgr may have forgotten the connection.
            State.NsmgrMayHaveForgotten = true;
        }

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
        _admissionMisses = 0;
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
        if (HealLoopDelay(trigger, decision, effects) is { } wait)
        {
            ScheduleAttempt(Now + wait, effects);
            return;
        }

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
                CompleteHeal(healed, effects);
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
                    _admissionMisses++;
                    effects.Add(new Observe(new ConnectionNote.AdmissionUnreachable(heal.IncidentId, error)));
                }
                else
                {
                    _admissionMisses = 0;
                }

                // Not an attempt, and a wait in the queue is not worth a write: only a heal not yet stored at all is. An
                // admission that cannot be reached is asked again on a growing backoff: a storm's heals asking it every
                // few milliseconds would not bring it back sooner.
                var step = heal.Attempts + Math.Max(_admissionMisses, 1);
                State.NextAttemptAt = Now + (notAdmitted.RetryAfter ?? Backoff.Delay(State.Policy, step, _env.NextJitter()));
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

    private void CompleteHeal(AttemptEnd.Healed healed, EffectBatch effects)
    {
        var answer = healed.Answer;
        var heal = State.CurrentHeal!;
        var finished = heal with
        {
            Attempts = heal.Attempts + 1,
            EndedAt = Now,
            Outcome = HealOutcome.Healed,
            EndpointAfter = answer.NetworkServiceEndpointName,
        };
        AppendHistory(finished);
        TakeAnswer(healed.Sent, answer, healed.TokenValidFor);
        if (heal.Decision == HealDecision.Reselect)
        {
            // A new vWire: whatever was said about the old one no longer applies.
            _reportedDataPlane = DataPlaneVerdict.Unknown;
            _dataPlaneReportedAt = null;
        }

        // A restore's answer is the connection stored already; a reselect's is a new one, to be undone if not stored.
        BecomeUp(new Write.HealDone(State.NsmgrAddress!, heal.Decision == HealDecision.Reselect ? answer : null), effects);
        // The backstop stays registered: its next tick sees Up and drops it, off the heal path, and a heal that starts
        // before then finds it registered already. Up is stored first, so that tick cannot resume a finished heal.
        effects.Add(new Observe(new ConnectionNote.HealEnded(finished)));
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
                GiveUp(heal with { Outcome = HealOutcome.Failed, EndedAt = Now, Detail = reason }, reason, effects);
                break;
        }
    }

    /// <summary>Enters (or stays) Up: stores it, then schedules the next refresh, registers with the monitor, tells watchers.</summary>
    private void BecomeUp(Write write, EffectBatch effects)
    {
        ClearHealProgress();
        State.Phase = ConnectionPhase.Up;
        State.Reason = null;
        State.RefreshDueAt = RefreshSchedule.NextRefreshAt(State.Connection!, State.TokenExpiresAt, Now, State.Policy.RefreshFraction);
        Persist(write, effects);
        _upSince = Now;
        effects.Add(State.RefreshDueAt is { } refreshAt ? new ScheduleWakeup(refreshAt) : new StopWakeup());
        effects.Add(new EnsureMonitored(State.NsmgrAddress!));
        HoldStatedNamespace(effects);
        effects.Add(new Observe(new ConnectionNote.ConnectionUp(State.Connection!.NetworkServiceEndpointName, State.NsmgrAddress!)));
        effects.Add(new Publish());
    }
}
