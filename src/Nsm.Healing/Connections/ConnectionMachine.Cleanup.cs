using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// Custody of the final Close: retried with backoff, durably, while our last token is valid; Abandoned once it is not.
public sealed partial class ConnectionMachine
{
    private void OnFinalCloseAnswered(string nsmgrAddress, EffectBatch effects)
    {
        effects.Add(new StopMonitoring(nsmgrAddress));
        if (State.UnconfirmedCloses > 0)
        {
            // Retries registered it; the first Close's own success never did, so a Close costs no reminder operation.
            effects.Add(new DropBackstop());
        }

        EndAfterClose(effects);
    }

    /// <summary>
    /// A final Close the NSMgr did not confirm. One it answered with an error about the Close itself leaves nothing of
    /// ours there. One it did not answer (down, too slow) or refused on identity is owed still: retried after a backoff,
    /// stored with its reminder so another silo carries on, and never past the deadline — then the connection is Abandoned.
    /// </summary>
    private void OnFinalCloseFailed(string nsmgrAddress, CallFailed failed, EffectBatch effects)
    {
        if (AnsweredAboutTheCall(failed))
        {
            OnFinalCloseAnswered(nsmgrAddress, effects);
            return;
        }

        State.UnconfirmedCloses++;
        var deadline = State.CloseDeadline ??= TokenWindow.CloseDeadline(State, Now + State.Policy.HealDeadline);
        var room = LastTryBy(deadline) - Now;
        if (room < State.Policy.FirstRetryDelay)
        {
            Abandon(effects);
            return;
        }

        // Backoff as for heals, but always one more try inside the window: halfway to the last moment a try may start.
        var delay = Backoff.Delay(State.Policy, State.UnconfirmedCloses, _env.NextJitter());
        State.NextAttemptAt = Now + (delay < room / 2 ? delay : room / 2);
        effects.Add(new Observe(new ConnectionNote.CloseUnconfirmed(State.UnconfirmedCloses, State.NextAttemptAt.Value, deadline, failed.Error.Message)));
        effects.Add(new ScheduleWakeup(State.NextAttemptAt.Value));
        Persist(Write.CloseRetry, effects);
        effects.Add(new EnsureBackstop(Alongside: false));
        effects.Add(new Publish());
        // The NSC's Close is answered: the service holds the Close from here on.
        effects.Add(new Answer());
    }

    /// <summary>
    /// The last moment a try may start: a call needs time on its way (at least the first retry delay), and one arriving
    /// after our token expired is too late to count.
    /// </summary>
    private DateTimeOffset LastTryBy(DateTimeOffset deadline) => deadline - State.Policy.FirstRetryDelay;

    /// <summary>
    /// The NSMgr answered the call with an error about the call itself; as opposed to not answering it (down, too slow) or
    /// refusing us on identity, after which what the call was for is still to be done.
    /// </summary>
    private static bool AnsweredAboutTheCall(CallFailed failed) =>
        failed.Error is NsmRequestFailedException && !NsmgrFailure.IsUnreachable(failed.StatusCode) && !NsmgrFailure.IsIdentityFailure(failed.StatusCode);

    /// <summary>The retry of an unconfirmed Close is due (its wakeup, its reminder, or the NSMgr is back).</summary>
    private void RetryClose(EffectBatch effects)
    {
        if (State.CloseDeadline is { } deadline && Now >= LastTryBy(deadline))
        {
            Abandon(effects);
            return;
        }

        // The NSMgr did not answer before: it may have restarted and forgotten the connection.
        SendFinalClose(State.NsmgrAddress!, relearnFirst: true, effects);
    }

    private void Abandon(EffectBatch effects)
    {
        var deadline = State.CloseDeadline!.Value;
        State.Phase = ConnectionPhase.Abandoned;
        State.Reason = $"Close not confirmed before token expiry at {deadline:O}";
        State.NextAttemptAt = null;
        State.RefreshDueAt = null;
        effects.Add(new StopWakeup());
        effects.Add(new DropBackstop());
        effects.Add(new StopMonitoring(State.NsmgrAddress!));
        Persist(Write.Abandon, effects);
        effects.Add(new Observe(new ConnectionNote.CloseAbandoned(State.UnconfirmedCloses, deadline)));
        effects.Add(new Publish());
        effects.Add(new EndWatches());
        effects.Add(new Answer());
    }
}
