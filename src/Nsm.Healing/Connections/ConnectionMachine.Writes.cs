using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// Outcomes of the machine's own calls and writes, and what a failed write undoes.
public sealed partial class ConnectionMachine
{
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
                    History = State.History,
                    NodeName = string.IsNullOrEmpty(request.NodeName) ? null : request.NodeName,
                };
                TakeAnswer(request.Prepared, answered.Answer, answered.TokenValidFor);
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
                TakeAnswer(refresh.Sent, answered.Answer, answered.TokenValidFor);
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
            case (Awaiting.FinalClose close, CloseAnswered):
                OnFinalCloseAnswered(close.NsmgrAddress, effects);
                break;
            case (Awaiting.FinalClose { Forced: true } close, CallFailed failed):
                OnForcedCloseFailed(close.NsmgrAddress, failed, effects);
                break;
            case (Awaiting.FinalClose close, CallFailed failed):
                OnFinalCloseFailed(close.NsmgrAddress, failed, effects);
                break;
            case (RelearningBeforeClose relearn, _):
                OnRelearnOutcome(relearn, outcome, effects);
                break;
            case (ClosingOrphan orphan, _):
                OnOrphanCloseOutcome(orphan, outcome, effects);
                break;
            case (Readopting readopt, _):
                OnReadoptOutcome(readopt, outcome, effects);
                break;
            case (Updating updating, _):
                OnUpdateOutcome(updating, outcome, effects);
                break;
            case (Replacing replacing, _):
                OnReplaceOutcome(replacing, outcome, effects);
                break;
            case (Awaiting.Writing, StorageWritten):
                RunAfterWrite(effects);
                break;
            case (Awaiting.Writing writing, StorageFailed failed):
                OnWriteFailed(writing.Write, failed, effects);
                _afterWrite = null;
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
            // A first connection this activation alone made at the NSMgr is in nobody's stored state: undo it before
            // standing down, or it stays at its NSE until its token expires. A reselected one is left where it is: the
            // other activation holds a heal of the same connection, which on taking over finds it at the NSMgr
            // (HealAttempt's FindHeld) and keeps it, so the workload moves once.
            if (write is Write.Initial initial)
            {
                effects.Add(new SendClose(ClosePurpose.Compensate, initial.NsmgrAddress, HealRequests.ForClose(initial.Answer), State.Policy.RequestTimeout));
            }

            StandDown(failed.Error, effects);
            return;
        }

        switch (write)
        {
            case Write.Progress:
                effects.Add(new Observe(new ConnectionNote.WriteFailed($"store {write.What} (stored with the next write)", error)));
                RunAfterWrite(effects);
                break;
            case Write.Initial initial:
                effects.Add(new SendClose(ClosePurpose.Compensate, initial.NsmgrAddress, HealRequests.ForClose(initial.Answer), State.Policy.RequestTimeout));
                RollBack(effects);
                effects.Add(new Fail(new InvalidOperationException(
                    $"connection '{_id}': the NSMgr accepted the Request, but the connection could not be stored ({error}); " +
                    "it was closed again and nothing is registered: request it again")));
                break;
            case Write.HealDone { NewConnection: not null }:
                KeepReselectedToRestore(error, effects);
                break;
            case Write.HealDone:
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

    /// <summary>
    /// A reselect the NSMgr carried out but storage did not take. Closing the new connection and reselecting again would
    /// move the workload a second time for one data-plane fault (the chaos run caught exactly that during a Redis
    /// outage); instead the heal goes on as a restore of the new connection, whose claim stores it before any NSMgr call.
    /// Should this activation die before that claim, its successor finds the new connection at the NSMgr (FindHeld).
    /// </summary>
    private void KeepReselectedToRestore(string error, EffectBatch effects)
    {
        var reselected = State.LastGoodRequest!;
        var endpoint = reselected.Connection.NetworkServiceEndpointName;
        effects.Add(new Observe(new ConnectionNote.WriteFailed($"store the connection reselected to {endpoint} (the heal goes on as a restore of it)", error)));
        RollBackHeal(effects);
        if (State.Phase != ConnectionPhase.Healing)
        {
            return;
        }

        State.LastGoodRequest = reselected;
        State.OldConnectionClosed = false; // the connection now held, the reselected one, was never closed
        State.CurrentHeal = State.CurrentHeal! with
        {
            Decision = HealDecision.Restore,
            Detail = $"reselected to {endpoint}, which could not be stored: restoring it there",
        };
        _healStartUnsaved = true;
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
        else if (State is { Phase: ConnectionPhase.Closing, NextAttemptAt: { } retryAt })
        {
            effects.Add(new ScheduleWakeup(retryAt));
        }
        else
        {
            effects.Add(new StopWakeup());
        }
    }

    private void RunAfterWrite(EffectBatch effects)
    {
        var afterWrite = _afterWrite ?? throw new InvalidOperationException("a write ended with no step waiting for it");
        _afterWrite = null;
        AddAll(afterWrite, effects);
    }

    private void Persist(Write write, EffectBatch effects)
    {
        _awaiting = new Awaiting.Writing(write);
        effects.Persist(State);
    }
}
