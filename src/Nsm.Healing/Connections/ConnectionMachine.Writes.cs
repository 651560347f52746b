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
                    LastGoodRequest = HealRequests.WithAnswer(request.Prepared, answered.Answer),
                    History = State.History,
                    NodeName = string.IsNullOrEmpty(request.NodeName) ? null : request.NodeName,
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
}
