using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;

namespace Nsm.Healing.Connections;

// A heal that gave up ends like any other ending: its connection is closed at the NSMgr inside our token window (with
// the Close custody's retries and Abandoned), and only then does it rest as Failed.
public sealed partial class ConnectionMachine
{
    private void GiveUp(HealRecord failed, string reason, EffectBatch effects)
    {
        var relearnFirst = NsmgrMayHaveForgotten();
        AppendHistory(failed);
        ClearHealProgress();
        effects.Add(new Observe(new ConnectionNote.HealEnded(failed)));
        effects.Add(new StopWakeup());
        effects.Add(new DropBackstop());
        State.EndsAs = ConnectionPhase.Failed;
        State.Phase = ConnectionPhase.Closing;
        State.Reason = CloseReason(reason, effects);
        State.RefreshDueAt = null;
        effects.Add(new Publish());
        SendFinalClose(State.NsmgrAddress!, relearnFirst, effects);
    }

    /// <summary>The final Close is done: Closed, or Failed for a heal that gave up (an operator can still heal it).</summary>
    private void EndAfterClose(EffectBatch effects)
    {
        if (State.EndsAs != ConnectionPhase.Failed)
        {
            BecomeClosed(effects);
            return;
        }

        State.EndsAs = null;
        State.Phase = ConnectionPhase.Failed;
        ClearHealProgress();
        Persist(Write.GiveUp, effects);
        effects.Add(new Observe(new ConnectionNote.ConnectionClosed()));
        effects.Add(new Publish());
        effects.Add(new Answer());
    }
}
