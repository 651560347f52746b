using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Connections;

// Re-adoption: an NSC asking again for a connection the cluster holds (it restarted, maybe with its NSMgr) gets the
// held one back; a changed request is a real update.
public sealed partial class ConnectionMachine
{
    private static readonly Write ReadoptWrite = new Write.Simple("the re-adopted connection");
    private static readonly Write UpdateWrite = new Write.Simple("the updated request");

    /// <summary>
    /// A Request for a connection held open. The same request gets the held connection and no NSMgr call; other labels,
    /// payload or mechanisms update it in place while Up; another network service replaces it (Close, then Request).
    /// </summary>
    private void OnRequestWhileOpen(RequestAsked request, EffectBatch effects)
    {
        if (State.NsmgrAddress != request.NsmgrAddress || State.LastGoodRequest is not { } held)
        {
            AlreadyRegistered(request.NsmgrAddress, request.Prepared.Connection.NetworkService, effects);
            return;
        }

        var change = RequestChanges.Between(held, request.Prepared);
        if (change == RequestChange.None)
        {
            effects.Add(new Answer());
            return;
        }

        if (State.Phase != ConnectionPhase.Up)
        {
            effects.Add(new Fail(new InvalidOperationException(
                $"connection '{_id}' is {State.Phase}: a changed request ({change}) is taken once it is Up again; ask again then")));
            return;
        }

        if (AwayFromNode is { } home)
        {
            effects.Add(new Fail(new NsmRequestFailedException("Unavailable", $"Request for connection '{_id}' not sent: it is served from node {home}; retry")));
            return;
        }

        if (change == RequestChange.NetworkService)
        {
            _awaiting = new Replacing(request);
            effects.Add(new SendClose(ClosePurpose.Replace, request.NsmgrAddress, HealRequests.ForClose(held.Connection), State.Policy.RequestTimeout));
            return;
        }

        var update = RequestChanges.UpdateOf(held, request.Prepared);
        _awaiting = new Updating(update);
        effects.Add(new SendRequest(RequestPurpose.Update, request.NsmgrAddress, update, State.Policy.RequestTimeout));
    }

    /// <summary>
    /// A connection closed (or closing) whose last token is still valid may still sit at its NSE, e.g. when its Close met
    /// an NSMgr that had restarted and forgot it. The same request for it again is given the same path back (a restore),
    /// never a second connection beside it.
    /// </summary>
    private bool MayReadopt(RequestAsked request) =>
        State is { Phase: ConnectionPhase.Closing or ConnectionPhase.Closed or ConnectionPhase.Abandoned, LastGoodRequest: { } held }
        && State.NsmgrAddress == request.NsmgrAddress
        && TokenWindow.CloseDeadline(State, Now) > Now
        && RequestChanges.Between(held, request.Prepared) == RequestChange.None;

    private void Readopt(RequestAsked request, EffectBatch effects)
    {
        var restore = HealRequests.Restore(State.LastGoodRequest!);
        _awaiting = new Readopting(request, State.Phase, restore);
        State.Phase = ConnectionPhase.Requesting;
        effects.Add(new Publish());
        effects.Add(new SendRequest(RequestPurpose.Readopt, request.NsmgrAddress, restore, request.Policy.RequestTimeout));
    }

    private void OnReadoptOutcome(Readopting readopt, ConnectionInput outcome, EffectBatch effects)
    {
        var request = readopt.Request;
        switch (outcome)
        {
            case RequestAnswered answered:
                if (readopt.PhaseBefore == ConnectionPhase.Closing)
                {
                    // The Close it owed is for this very connection, wanted again: its retries end here.
                    effects.Add(new DropBackstop());
                }

                State = new ConnectionState
                {
                    Phase = ConnectionPhase.Up,
                    NsmgrAddress = request.NsmgrAddress,
                    Policy = request.Policy,
                    History = State.History,
                    NodeName = string.IsNullOrEmpty(request.NodeName) ? State.NodeName : request.NodeName,
                };
                TakeAnswer(readopt.Sent, answered.Answer, answered.TokenValidFor);
                effects.Add(new Observe(new ConnectionNote.Readopted(readopt.PhaseBefore, answered.Answer.NetworkServiceEndpointName)));
                BecomeUp(ReadoptWrite, effects);
                effects.Add(new Answer());
                break;
            case CallFailed failed when failed.Error is NsmRequestFailedException && !NsmgrFailure.IsUnreachable(failed.StatusCode)
                                        && !NsmgrFailure.IsIdentityFailure(failed.StatusCode):
                // The NSMgr answered that the held path is no good (its endpoint is gone): nothing left to re-adopt.
                _awaiting = new Awaiting.InitialRequest(readopt.PhaseBefore, request);
                effects.Add(new SendRequest(RequestPurpose.Initial, request.NsmgrAddress, request.Prepared, request.Policy.RequestTimeout));
                break;
            case CallFailed failed:
                State.Phase = readopt.PhaseBefore;
                effects.Add(new Publish());
                effects.Add(new Fail(failed.Error));
                break;
            default:
                throw new InvalidOperationException($"{outcome.GetType().Name} arrived while re-adopting");
        }
    }

    private void OnUpdateOutcome(Updating updating, ConnectionInput outcome, EffectBatch effects)
    {
        if (outcome is CallFailed failed)
        {
            // Nothing changed here: the held connection stays Up and is refreshed as it was.
            effects.Add(new Fail(failed.Error));
            return;
        }

        var answered = (RequestAnswered)outcome;
        var change = RequestChanges.Between(State.LastGoodRequest!, updating.Sent);
        TakeAnswer(updating.Sent, answered.Answer, answered.TokenValidFor);
        effects.Add(new Observe(new ConnectionNote.RequestUpdated(change, answered.Answer.NetworkServiceEndpointName)));
        BecomeUp(UpdateWrite, effects);
        effects.Add(new Answer());
    }

    /// <summary>
    /// The held connection's Close before a request for another network service. Answered (even with an error about the
    /// Close itself), the old one is gone: Closed is stored, then the new request goes out as a first Request.
    /// </summary>
    private void OnReplaceOutcome(Replacing replacing, ConnectionInput outcome, EffectBatch effects)
    {
        if (outcome is CallFailed failed && (failed.Error is not NsmRequestFailedException || NsmgrFailure.IsUnreachable(failed.StatusCode)
                                             || NsmgrFailure.IsIdentityFailure(failed.StatusCode)))
        {
            effects.Add(new Fail(new InvalidOperationException(
                $"connection '{_id}': the held connection for network service '{State.Connection!.NetworkService}' could not be closed " +
                $"({failed.Error.Message}); nothing changed: ask again", failed.Error)));
            return;
        }

        State.Reason = $"replaced by a request for network service '{replacing.Request.Prepared.Connection.NetworkService}'";
        BecomeClosed(effects);
        effects.Add(new Continue(replacing.Request));
    }

    private sealed record Readopting(RequestAsked Request, ConnectionPhase PhaseBefore, NetworkServiceRequest Sent) : Awaiting;

    private sealed record Updating(NetworkServiceRequest Sent) : Awaiting;

    private sealed record Replacing(RequestAsked Request) : Awaiting;
}
