using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// The NSC's own inputs: Request, Adopt and Close.
public sealed partial class ConnectionMachine
{
    private void OnRequest(RequestAsked request, EffectBatch effects)
    {
        if (IsOpen(State.Phase))
        {
            OnRequestWhileOpen(request, effects);
            return;
        }

        if (RefusalAwayFromNode(request.NodeName) is { } refusal)
        {
            effects.Add(new Fail(refusal));
            return;
        }

        if (MayReadopt(request))
        {
            Readopt(request, effects);
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
            // What the NSMgr wrote into the NSC's own segment: the token the NSC sent, which it holds the connection on.
            TokenExpiresAt = TokenWindow.OwnTokenExpiry(adopt.Request.Connection, Now, null),
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
    private void OnClose(CloseAsked close, EffectBatch effects)
    {
        var reason = close.Reason;
        if (State.Phase is ConnectionPhase.None or ConnectionPhase.Closed or ConnectionPhase.Abandoned)
        {
            effects.Add(new EndWatches());
            effects.Add(new Answer());
            return;
        }

        if (State.NsmgrAddress is { } address)
        {
            Attempt.Abandon(address, PermitReturn.CancelledByClose, effects);
        }

        if (close.OperatorReason is { } operatorReason)
        {
            RecordOperatorAction(close.Forced ? OperatorActionKind.ForceClose : OperatorActionKind.Close, operatorReason);
        }

        // Whoever closes it, the connection ends Closed (a heal that gave up and is closed by the NSC too).
        State.EndsAs = null;

        State.Phase = ConnectionPhase.Closing;
        State.Reason = State.Connection is null ? reason : CloseReason(reason, effects);
        effects.Add(new StopWakeup());
        effects.Add(new DropBackstop());
        if (State.CurrentHeal is { } heal)
        {
            var cancelled = heal with { Outcome = HealOutcome.Cancelled, EndedAt = Now, Detail = "closed while healing" };
            AppendHistory(cancelled);
            effects.Add(new Observe(new ConnectionNote.HealEnded(cancelled)));
        }

        effects.Add(new Publish());
        if (State.Connection is not null && State.NsmgrAddress is { } nsmgr)
        {
            SendFinalClose(nsmgr, NsmgrMayHaveForgotten(), effects, close.Forced);
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
        effects.Add(new ReleaseNamespace());
        effects.Add(new Publish());
        // Watchers read the end of their stream; idle collection reclaims the activation.
        effects.Add(new EndWatches());
        effects.Add(new Answer());
    }
}
