using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// Verified cleanup: a final Close that re-teaches a forgetful NSMgr first, and the orphans the monitor's audit finds.
public sealed partial class ConnectionMachine
{
    /// <summary>The verdict on the last <see cref="OrphanSuspected"/>, for the audit that reported it.</summary>
    public OrphanVerdict? OrphanVerdict { get; private set; }

    /// <summary>
    /// Sends the final Close. A restarted NSMgr answers a Close for a connection it does not know with success and passes
    /// nothing on, so the NSE would keep it until our token expires. When the NSMgr may have forgotten the connection (a
    /// restore heal is under way, or an earlier Close went unanswered), a restore re-teaches it the path first.
    /// </summary>
    /// <param name="forced">An operator's forced Close: one the NSMgr does not confirm ends Closed all the same.</param>
    private void SendFinalClose(string nsmgrAddress, bool relearnFirst, EffectBatch effects, bool forced = false)
    {
        if (relearnFirst && State.LastGoodRequest is { } lastGood)
        {
            var restore = HealRequests.Restore(lastGood);
            _awaiting = new RelearningBeforeClose(nsmgrAddress, restore, forced);
            effects.Add(new SendRequest(RequestPurpose.Relearn, nsmgrAddress, restore, State.Policy.RequestTimeout));
            return;
        }

        _awaiting = new Awaiting.FinalClose(nsmgrAddress, forced);
        effects.Add(new SendClose(ClosePurpose.Final, nsmgrAddress, HealRequests.ForClose(State.Connection!), State.Policy.RequestTimeout));
    }

    /// <summary>Whether the NSMgr may no longer know the connection: see <see cref="ConnectionState.NsmgrMayHaveForgotten"/>.</summary>
    private bool NsmgrMayHaveForgotten() => State.NsmgrMayHaveForgotten || State.CurrentHeal is { Decision: HealDecision.Restore };

    private void OnRelearnOutcome(RelearningBeforeClose relearn, ConnectionInput outcome, EffectBatch effects)
    {
        switch (outcome)
        {
            case RequestAnswered answered:
                TakeAnswer(relearn.Sent, answered.Answer, answered.TokenValidFor);
                effects.Add(new Observe(new ConnectionNote.RelearnedBeforeClose(null)));
                break;
            case CallFailed failed when !relearn.Forced && !AnsweredAboutTheCall(failed) && TokenWindow.ExpiredAt(State, Now) is null:
                // The NSMgr did not answer (down, too slow) or refused us on identity: it was not re-taught. A Close now
                // fails the same way, or, should the NSMgr be back just then, finds it forgot the connection and passes
                // nothing on. The Close is owed still: retried, restore first, inside the token window. (Once our token
                // expired, the NSMgr timed the connection out itself: the Close goes, too late, as any Close then.)
                effects.Add(new Observe(new ConnectionNote.RelearnedBeforeClose(failed.Error.Message)));
                OnFinalCloseFailed(relearn.NsmgrAddress, failed, effects);
                return;
            case CallFailed failed:
                // The NSMgr refused the restore (its endpoint is gone, say): nothing there to re-teach. The Close goes all
                // the same and may still reach the NSE; a forced Close goes whatever became of the restore.
                effects.Add(new Observe(new ConnectionNote.RelearnedBeforeClose(failed.Error.Message)));
                break;
            default:
                throw new InvalidOperationException($"{outcome.GetType().Name} arrived while re-teaching the NSMgr before a Close");
        }

        SendFinalClose(relearn.NsmgrAddress, relearnFirst: false, effects, relearn.Forced);
    }

    /// <summary>
    /// The audit saw a connection of ours under this id at the NSMgr that no registration there owns. It is an orphan when
    /// this grain does not own it (no state, or closed): Closed inside its token window, never after.
    /// </summary>
    private void OnOrphanSuspected(OrphanSuspected suspected, EffectBatch effects)
    {
        if (State.Phase is not (ConnectionPhase.None or ConnectionPhase.Closed or ConnectionPhase.Abandoned))
        {
            OrphanVerdict = Connections.OrphanVerdict.Owned;
            effects.Add(new Answer());
            return;
        }

        var seen = suspected.Seen;
        if (seen.Path is { PathSegments: [{ Expires: { } expires }, ..] } && expires.ToDateTimeOffset() <= Now)
        {
            OrphanVerdict = Connections.OrphanVerdict.TooLate;
            effects.Add(new Observe(new ConnectionNote.OrphanTooLate(suspected.NsmgrAddress, expires.ToDateTimeOffset())));
            effects.Add(new Answer());
            return;
        }

        // The snapshot shows the connection as the NSMgr sees it (its own segment's id); the Close speaks as the NSC, hop 0.
        var close = HealRequests.ForClose(seen);
        close.Id = _id;
        _awaiting = new ClosingOrphan(suspected.NsmgrAddress, seen.NetworkServiceEndpointName);
        effects.Add(new SendClose(ClosePurpose.Orphan, suspected.NsmgrAddress, close, State.Policy.RequestTimeout));
    }

    private void OnOrphanCloseOutcome(ClosingOrphan orphan, ConnectionInput outcome, EffectBatch effects)
    {
        if (outcome is CallFailed failed)
        {
            OrphanVerdict = Connections.OrphanVerdict.CloseFailed;
            effects.Add(new Observe(new ConnectionNote.OrphanCloseFailed(orphan.NsmgrAddress, failed.Error.Message)));
        }
        else
        {
            OrphanVerdict = Connections.OrphanVerdict.Closed;
            effects.Add(new Observe(new ConnectionNote.OrphanClosed(orphan.NsmgrAddress, orphan.Endpoint)));
        }

        effects.Add(new Answer());
    }

    /// <summary>A restore sent before the final Close, and the request it re-sent.</summary>
    private sealed record RelearningBeforeClose(string NsmgrAddress, NetworkServiceRequest Sent, bool Forced) : Awaiting;

    /// <summary>An orphan's Close at <paramref name="NsmgrAddress"/>.</summary>
    private sealed record ClosingOrphan(string NsmgrAddress, string Endpoint) : Awaiting;
}
