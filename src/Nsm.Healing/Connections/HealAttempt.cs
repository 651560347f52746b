using Nsm.Api;
using Nsm.Healing.Custody;
using Nsm.Healing.Decisions;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Connections;

/// <summary>
/// One heal attempt, and every permit it takes: a standing permit or the admission's, then the claim, the question what
/// the NSMgr holds (every reselect, any takeover), a restore re-teaching an NSMgr that may have forgotten the connection,
/// the Close before a reselect (stored as done before the Request), the Request, and the permit handed back, once, the
/// one way its reason calls for. Between attempts it keeps only the heal's place in the admission's queue or the permit
/// the admission granted from there.
/// </summary>
public sealed class HealAttempt(string connectionId)
{
    private enum Stage { Idle, TakingStandingPermit, AskingAdmission, Claiming, AskingMonitor, FindingHeld, RelearningOld, ClosingOld, StoringClosed, Requesting }

    // For the monitor's stream start and our last answer, taken on two silos' clocks.
    private static readonly TimeSpan StreamClockMargin = TimeSpan.FromSeconds(1);

    private sealed record Permit(string Holder, bool Standing);

    private Stage _stage;
    private Permit? _permit;
    private DateTimeOffset? _nextAttemptBeforeClaim;
    private NetworkServiceRequest? _sent;

    // This attempt takes over from one whose outcome was never stored (its silo died mid-call, or its activation went).
    private bool _takesOver;

    /// <summary>
    /// Whether the attempt asks the NSMgr what it holds before acting. Every reselect does, and any attempt that takes over
    /// one whose outcome was never stored. The NSMgr may hold the connection somewhere other than where it is stored: an
    /// attempt whose outcome was never stored (its silo died, or its activation stood down after a version conflict) may
    /// have moved it, and a reselect retried after a failed attempt may follow one the NSMgr carried out without our
    /// knowing (a timeout, a lost connection). Or it may hold nothing: it restarted and forgot the connection, perhaps
    /// before its monitor stream's loss reached this grain; a Close before the reselect would then pass nothing on.
    /// </summary>
    private bool AsksNsmgrFirst(ConnectionState state) =>
        _takesOver || state.CurrentHeal!.Decision == HealDecision.Reselect;

    /// <summary>
    /// A first reselect attempt with no doubt about the NSMgr (no earlier attempt of this heal, no takeover, no sign it may
    /// have forgotten) has one question left: did the NSMgr restart since it last answered, before the news reached this
    /// connection? Its monitor knows from a grain call, without a round trip to the NSMgr: a restart breaks the stream
    /// long before the restarted NSMgr could answer the Close that follows.
    /// </summary>
    private bool MayAskTheMonitorInstead(ConnectionState state) =>
        !_takesOver && state.CurrentHeal!.Attempts == 0 && !state.NsmgrMayHaveForgotten && state.NsmgrAnsweredAt is not null;

    /// <summary>An attempt is under way: the outcome of the effect it asked for comes to it.</summary>
    public bool InProgress => _stage != Stage.Idle;

    /// <summary>The heal waits in the admission's queue (or holds the permit it was granted from there).</summary>
    public bool QueuedAtAdmission { get; private set; }

    /// <summary>The permit held now (for the property tests' conservation check).</summary>
    public string? PermitHolder => _permit?.Holder;

    /// <summary>Starts an attempt that is due and not claimed elsewhere.</summary>
    public void Begin(ConnectionState state, IConnectionEnvironment env, EffectBatch effects)
    {
        if (_permit is not null)
        {
            Claim(state, env, effects);
            return;
        }

        _stage = Stage.TakingStandingPermit;
        effects.Add(new ConnectionEffect.TakeStandingPermit(state.NsmgrAddress!));
    }

    /// <summary>The admission granted this heal a permit from its queue; the next attempt uses it.</summary>
    public void Admitted()
    {
        _permit ??= new Permit(connectionId, Standing: false);
        QueuedAtAdmission = false;
    }

    /// <summary>
    /// The heal ends (or stops) between attempts: the permit it holds, or its place in the queue, goes back.
    /// </summary>
    public void Abandon(string address, PermitReturn reason, EffectBatch effects)
    {
        if (_permit is { } permit)
        {
            Return(address, permit, reason, effects);
        }
        else if (QueuedAtAdmission)
        {
            effects.Add(new ConnectionEffect.ReturnPermit(address, connectionId, reason));
        }

        QueuedAtAdmission = false;
    }

    /// <summary>Takes the outcome of the effect this attempt asked for.</summary>
    /// <returns>How the attempt ended, or null while it goes on (its next effect is in <paramref name="effects"/>).</returns>
    public AttemptEnd? Handle(ConnectionInput outcome, ConnectionState state, IConnectionEnvironment env, EffectBatch effects)
    {
        var address = state.NsmgrAddress!;
        switch (_stage, outcome)
        {
            case (Stage.TakingStandingPermit, ConnectionInput.StandingPermitTaken { Holder: { } holder }):
                if (QueuedAtAdmission)
                {
                    // The place this heal held in the admission's queue, or the permit granted from there, is not needed.
                    effects.Add(new ConnectionEffect.ReturnPermit(address, connectionId, PermitReturn.Unused));
                    QueuedAtAdmission = false;
                }

                _permit = new Permit(holder, Standing: true);
                Claim(state, env, effects);
                return null;
            case (Stage.TakingStandingPermit, ConnectionInput.StandingPermitTaken):
                _stage = Stage.AskingAdmission;
                effects.Add(new ConnectionEffect.AskAdmission(address));
                return null;
            case (Stage.AskingAdmission, ConnectionInput.AdmissionAnswered { Admitted: true }):
                _permit = new Permit(connectionId, Standing: false);
                QueuedAtAdmission = false;
                Claim(state, env, effects);
                return null;
            case (Stage.AskingAdmission, ConnectionInput.AdmissionAnswered refused):
                // Storm control: the admission tells us when a permit is ours; asking again later is the backstop.
                QueuedAtAdmission = true;
                _stage = Stage.Idle;
                return new AttemptEnd.NotAdmitted(refused.RetryAfter, null);
            case (Stage.AskingAdmission, ConnectionInput.AdmissionUnreachable unreachable):
                // It may have queued us before its answer was lost: the place is given back with the heal.
                QueuedAtAdmission = true;
                _stage = Stage.Idle;
                return new AttemptEnd.NotAdmitted(null, unreachable.Error);
            case (Stage.Claiming, ConnectionInput.StorageWritten) when AsksNsmgrFirst(state) && MayAskTheMonitorInstead(state):
                _stage = Stage.AskingMonitor;
                effects.Add(new ConnectionEffect.AskStreamOpenSince(address));
                return null;
            case (Stage.Claiming, ConnectionInput.StorageWritten) when AsksNsmgrFirst(state):
                FindHeld(state, effects);
                return null;
            case (Stage.AskingMonitor, ConnectionInput.StreamOpenSince { Since: { } since }) when since + StreamClockMargin <= state.NsmgrAnsweredAt:
                // The NSMgr has not restarted since it last answered for the connection: it holds it where it is stored.
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.AskingMonitor, ConnectionInput.StreamOpenSince):
                FindHeld(state, effects);
                return null;
            case (Stage.Claiming, ConnectionInput.StorageWritten):
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.FindingHeld, ConnectionInput.HeldFound { Held: { } held }) when !MonitorEventRelevance.IsAboutCurrent(state.Connection, held):
                // An earlier attempt was carried out: the NSMgr moved the connection already (closing the old one on the
                // way). Moving it again would answer one data-plane fault twice; the heal takes the connection where it
                // went as its own and refreshes it there. Should that fail (its NSE died meanwhile), the next attempt
                // finds it where it is stored now, and reselects from there, Close first, instead of refreshing a dead
                // NSE for ever.
                state.LastGoodRequest = HealRequests.WithAnswer(state.LastGoodRequest!, held);
                state.OldConnectionClosed = false;
                SendRequest(state, env, effects, HealRequests.Restore(state.LastGoodRequest));
                return null;
            case (Stage.FindingHeld, ConnectionInput.HeldFound { Held: null }):
                // The NSMgr does not know the connection at all: it restarted and forgot it.
                state.NsmgrMayHaveForgotten = true;
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.FindingHeld, ConnectionInput.HeldFound):
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.RelearningOld, ConnectionInput.RequestAnswered relearned):
                // The Close that follows names the path as the NSMgr knows it now, inside the token this restore sent.
                TokenWindow.TakeAnswer(state, _sent!, relearned.Answer, env.Now, relearned.TokenValidFor);
                effects.Add(new ConnectionEffect.Observe(new ConnectionNote.RelearnedBeforeClose(null)));
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.RelearningOld, ConnectionInput.CallFailed { CancelledByClose: false } refused) when AnsweredByNsmgr(refused):
                // It could not restore (e.g. the old NSE is gone): nothing there to re-teach; Close all the same.
                effects.Add(new ConnectionEffect.Observe(new ConnectionNote.RelearnedBeforeClose(refused.Error.Message)));
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.FindingHeld, ConnectionInput.CallFailed { CancelledByClose: false } refused) when AnsweredByNsmgr(refused):
                // The NSMgr would not say (e.g. it does not serve the query): heal as planned.
                CloseOldOrRequest(state, env, effects);
                return null;
            case (Stage.Claiming, ConnectionInput.StorageFailed failed):
                state.AttemptStartedAt = null;
                state.AttemptSilo = null;
                state.NextAttemptAt = _nextAttemptBeforeClaim;
                End(address, PermitReturn.Unused, effects);
                return new AttemptEnd.ClaimFailed(failed.Error, failed.Conflict);
            case (Stage.ClosingOld, ConnectionInput.CloseAnswered):
                StoreClosed(state, effects);
                return null;
            case (Stage.StoringClosed, ConnectionInput.StorageWritten):
                SendRequest(state, env, effects);
                return null;
            case (Stage.StoringClosed, ConnectionInput.StorageFailed { Conflict: true } conflict):
                // Another activation holds the heal now; the Close it may repeat is harmless, a second Request is not.
                End(address, PermitReturn.Served, effects);
                return new AttemptEnd.ClaimFailed(conflict.Error, Conflict: true);
            case (Stage.StoringClosed, ConnectionInput.StorageFailed failed):
                // Only a successor that takes over needs the fact; this attempt goes on, and its next write stores it.
                effects.Add(new ConnectionEffect.Observe(new ConnectionNote.WriteFailed("store that the old connection was closed (stored with the next write)", failed.Error.Message)));
                SendRequest(state, env, effects);
                return null;
            case (Stage.Requesting, ConnectionInput.RequestAnswered answered):
                var sent = _sent!;
                End(address, PermitReturn.Served, effects);
                return new AttemptEnd.Healed(sent, answered.Answer, answered.TokenValidFor);
            case (Stage.ClosingOld, ConnectionInput.CallFailed { CancelledByClose: false } refused) when AnsweredByNsmgr(refused):
                StoreClosed(state, effects);
                return null;
            case (Stage.FindingHeld or Stage.RelearningOld or Stage.ClosingOld or Stage.Requesting, ConnectionInput.CallFailed { CancelledByClose: true }):
                End(address, PermitReturn.CancelledByClose, effects);
                return new AttemptEnd.CancelledByClose();
            case (Stage.FindingHeld or Stage.RelearningOld or Stage.ClosingOld or Stage.Requesting, ConnectionInput.CallFailed failed):
                End(address, AnsweredByNsmgr(failed) ? PermitReturn.Served : PermitReturn.FailedAtNsmgr, effects);
                return new AttemptEnd.Failed(failed.Error, failed.StatusCode);
            default:
                throw new InvalidOperationException($"heal attempt at stage {_stage} cannot take {outcome.GetType().Name}");
        }
    }

    /// <summary>
    /// Stores that an attempt starts, before any NSMgr call. The write is a fence: of two activations, the one holding an
    /// older version fails it and stands down instead of healing the connection a second time; and the stored start
    /// tells a later activation to wait the attempt out (<see cref="ElsewhereUntil"/>). Stored with it: when the heal
    /// may resume should this silo die mid-call.
    /// </summary>
    private void Claim(ConnectionState state, IConnectionEnvironment env, EffectBatch effects)
    {
        _stage = Stage.Claiming;
        _takesOver = state.AttemptStartedAt is not null;
        _nextAttemptBeforeClaim = state.NextAttemptAt;
        state.AttemptStartedAt = env.Now;
        state.AttemptSilo = env.LocalSilo;
        state.NextAttemptAt = env.Now + Lease(state.Policy);
        effects.Persist(state);
    }

    /// <summary>
    /// Close before reselect, once per reselect: the old endpoint must not keep a duplicate of this connection. A Close
    /// the NSMgr did not answer fails the attempt (a Request sent once it is back would leave the old NSE holding the
    /// connection); one it answered with an error is done: there is nothing left there to close.
    /// </summary>
    private void CloseOldOrRequest(ConnectionState state, IConnectionEnvironment env, EffectBatch effects)
    {
        if (ClosesOldFirst(state) && state.NsmgrMayHaveForgotten && _stage != Stage.RelearningOld)
        {
            // An NSMgr that restarted (or one further along the path) answers a Close for a connection it forgot with
            // success and passes nothing on (upstream's begin): the old NSE would keep the connection until our token
            // expired, beside the one the reselect makes. A restore re-teaches the path first, then the Close reaches it.
            _stage = Stage.RelearningOld;
            _sent = HealRequests.Restore(state.LastGoodRequest!);
            effects.Add(new ConnectionEffect.SendRequest(RequestPurpose.Heal, state.NsmgrAddress!, _sent, state.Policy.RequestTimeout));
            return;
        }

        if (ClosesOldFirst(state))
        {
            _stage = Stage.ClosingOld;
            TokenWindow.NoteIfClosed(state, ClosePurpose.BeforeReselect, env.Now, effects);
            effects.Add(new ConnectionEffect.SendClose(
                ClosePurpose.BeforeReselect, state.NsmgrAddress!, HealRequests.ForClose(state.Connection!), state.Policy.RequestTimeout));
            return;
        }

        SendRequest(state, env, effects);
    }

    private void FindHeld(ConnectionState state, EffectBatch effects)
    {
        _stage = Stage.FindingHeld;
        effects.Add(new ConnectionEffect.FindHeld(state.NsmgrAddress!, state.Connection!, state.Policy.RequestTimeout));
    }

    /// <summary>
    /// Stores that the old connection is closed before the reselect's Request. An activation that takes over from one
    /// that died after this point must not re-teach the old path to an NSMgr that forgot it (it would revive the closed
    /// connection beside the one the lost Request may have made); it reselects at once.
    /// </summary>
    private void StoreClosed(ConnectionState state, EffectBatch effects)
    {
        state.OldConnectionClosed = true;
        _stage = Stage.StoringClosed;
        effects.Persist(state);
    }

    private static bool ClosesOldFirst(ConnectionState state) =>
        state.CurrentHeal!.Decision == HealDecision.Reselect && !state.OldConnectionClosed;

    private void SendRequest(ConnectionState state, IConnectionEnvironment env, EffectBatch effects, NetworkServiceRequest? request = null)
    {
        _stage = Stage.Requesting;
        var lastGood = state.LastGoodRequest!;
        _sent = request ?? (state.CurrentHeal!.Decision == HealDecision.Restore ? HealRequests.Restore(lastGood) : HealRequests.Reselect(lastGood));
        if (request is null
            && state.CurrentHeal!.Decision == HealDecision.Reselect
            && ReselectSteering.Choose(env.Quarantine, lastGood.Connection.NetworkService, PathHops.Nse(lastGood.Connection), connectionId, env.Now) is { } nse)
        {
            // Away from a quarantined NSE: naming the endpoint is the one steer a Request has (see ReselectSteering).
            _sent.Connection.NetworkServiceEndpointName = nse;
            effects.Add(new ConnectionEffect.Observe(new ConnectionNote.ReselectSteered(state.CurrentHeal.IncidentId, nse)));
        }

        effects.Add(new ConnectionEffect.SendRequest(RequestPurpose.Heal, state.NsmgrAddress!, _sent, state.Policy.RequestTimeout));
    }

    /// <summary>The NSMgr answered the call, if with an error; as opposed to not at all (down, overloaded).</summary>
    private static bool AnsweredByNsmgr(ConnectionInput.CallFailed failed) =>
        failed.Error is NsmRequestFailedException && !NsmgrFailure.IsUnreachable(failed.StatusCode);

    private void End(string address, PermitReturn reason, EffectBatch effects)
    {
        var permit = _permit!;
        _permit = null;
        _stage = Stage.Idle;
        _sent = null;
        Return(address, permit, reason, effects);
        if (reason != PermitReturn.Unused)
        {
            // Only the NSMgr call spends a permit: have a standing one on hand for the next heal.
            effects.Add(new ConnectionEffect.ReplenishStandingPermit(address));
        }
    }

    private void Return(string address, Permit permit, PermitReturn reason, EffectBatch effects)
    {
        _permit = null;
        effects.Add(new ConnectionEffect.ReturnPermit(address, permit.Holder, reason));
    }

    /// <summary>
    /// An attempt stored as started that is not this activation's own and may still be in flight: started by a
    /// duplicate activation, or by a silo killed mid-call. Until the longest an attempt can take has passed (a Close and
    /// a Request, each bounded by the request timeout), the NSMgr may still be serving it.
    /// </summary>
    /// <returns>When it is safe to attempt again; null when no such attempt is stored.</returns>
    public static DateTimeOffset? ElsewhereUntil(ConnectionState state, IConnectionEnvironment env)
    {
        var until = state.AttemptStartedAt + Lease(state.Policy);
        return until > env.Now && ClaimantMayBeAlive(state, env) ? until : null;
    }

    /// <summary>
    /// When the heal's next attempt is due. Healing always has one due; should none be stored, it is due now rather than
    /// never. A claim stored by a silo now gone is over: its attempt is due now, not at the end of its lease.
    /// </summary>
    public static DateTimeOffset NextDue(ConnectionState state, IConnectionEnvironment env) =>
        state.AttemptStartedAt is not null && !ClaimantMayBeAlive(state, env) ? env.Now : state.NextAttemptAt ?? env.Now;

    private static bool ClaimantMayBeAlive(ConnectionState state, IConnectionEnvironment env) =>
        state.AttemptSilo is not { } silo || env.SiloMayBeAlive(silo);

    // Beyond the longest an attempt can take, for clocks of different silos.
    private static TimeSpan Lease(HealPolicy policy) => 2 * policy.RequestTimeout + TimeSpan.FromSeconds(1);
}

/// <summary>How a heal attempt ended.</summary>
public abstract record AttemptEnd
{
    private AttemptEnd() { }

    public sealed record Healed(NetworkServiceRequest Sent, Connection Answer, TimeSpan? TokenValidFor) : AttemptEnd;

    public sealed record Failed(Exception Error, string StatusCode) : AttemptEnd;

    public sealed record CancelledByClose : AttemptEnd;

    /// <summary>No permit yet: asked again after <paramref name="RetryAfter"/> (or a backoff step when the admission
    /// was unreachable with <paramref name="Unreachable"/>), or sooner when the admission says so.</summary>
    public sealed record NotAdmitted(TimeSpan? RetryAfter, string? Unreachable) : AttemptEnd;

    /// <summary>The claim could not be stored: no attempt without its claim.</summary>
    public sealed record ClaimFailed(Exception Error, bool Conflict) : AttemptEnd;
}
