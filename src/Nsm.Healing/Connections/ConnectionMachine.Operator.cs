using Nsm.Healing.Decisions;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// What operators ask, with their reasons kept: heal or reselect now, and a Close forced past an NSMgr that does not confirm.
public sealed partial class ConnectionMachine
{
    private const int OperatorActionLimit = 16;

    /// <summary>Heal now, as the trigger it is; the action is stored with the heal it starts (its first claim).</summary>
    private void OnOperatorHeal(OperatorHealAsked asked, EffectBatch effects)
    {
        RecordOperatorAction(asked.Reselect ? OperatorActionKind.Reselect : OperatorActionKind.Heal, asked.Reason);
        ActOnTrigger(asked.Reselect ? HealTrigger.OperatorReselect : HealTrigger.Operator, effects);
    }

    /// <summary>
    /// A forced Close the NSMgr did not confirm: the connection ends Closed anyway, saying so, instead of being retried
    /// until our token expires. What the NSMgr may still hold is the orphan audit's to find.
    /// </summary>
    private void OnForcedCloseFailed(string nsmgrAddress, CallFailed failed, EffectBatch effects)
    {
        if (AnsweredAboutTheCall(failed))
        {
            // Answered with an error about the Close itself: nothing of ours is left there, as for any final Close.
            OnFinalCloseAnswered(nsmgrAddress, effects);
            return;
        }

        var outcome = $"the NSMgr did not confirm the Close ({failed.Error.Message}); closed anyway";
        if (State.OperatorActions is [.., { Kind: OperatorActionKind.ForceClose } last])
        {
            State.OperatorActions[^1] = last with { Outcome = outcome };
        }

        State.CloseForced = true;
        State.Reason = $"{State.Reason}; forced: {outcome}";
        effects.Add(new Observe(new ConnectionNote.CloseForced(failed.Error.Message)));
        OnFinalCloseAnswered(nsmgrAddress, effects);
    }

    /// <summary>A Close nobody gives an operator's reason for (e.g. the NSC is gone).</summary>
    private void OnClose(string reason, EffectBatch effects) => OnClose(new CloseAsked(reason), effects);

    private void RecordOperatorAction(OperatorActionKind kind, string reason)
    {
        State.OperatorActions.Add(new OperatorAction { At = Now, Kind = kind, Reason = reason });
        if (State.OperatorActions.Count > OperatorActionLimit)
        {
            State.OperatorActions.RemoveRange(0, State.OperatorActions.Count - OperatorActionLimit);
        }
    }
}
