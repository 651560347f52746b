using Nsm.Healing.Admission;
using Nsm.Healing.Decisions;
using Orleans.Storage;

namespace Nsm.Healing.Grains;

/// <summary>
/// What a connection grain writes down: its state (every write through <see cref="Persist"/>), the claim on each heal
/// attempt, and the heal-backstop reminder.
/// </summary>
public sealed partial class ConnectionGrain
{
    // Beyond the longest an attempt can take, for clocks of different silos.
    private static readonly TimeSpan AttemptLeaseMargin = TimeSpan.FromSeconds(1);

    private Task _backstopRegistration = Task.CompletedTask;

    // A heal started and not yet written: its first attempt's claim usually writes it.
    private bool _healStartUnsaved;

    // This heal waits in the admission's queue (or holds the permit it was granted from there).
    private bool _queuedAtAdmission;

    /// <summary>
    /// Writes the state. A version conflict means another activation of this connection wrote since we read: Orleans
    /// can briefly run two while the grain directory moves between silos. This one stands down.
    /// </summary>
    private async Task Persist()
    {
        try
        {
            await state.WriteStateAsync();
            _healStartUnsaved = false;
        }
        catch (InconsistentStateException e)
        {
            ConnectionGrainLog.StoodDown(logger, Id, e.Message);
            DeactivateOnIdle();
            throw;
        }
    }

    /// <summary>
    /// An attempt stored as started (see <see cref="ClaimAttempt"/>) that is not this activation's own and may still be
    /// in flight: started by a duplicate activation, or by a silo killed mid-call. Until the longest an attempt can take
    /// has passed (a Close and a Request, each bounded by the request timeout), the NSMgr may still be serving it.
    /// </summary>
    /// <returns>When it is safe to attempt again; null when no such attempt is stored.</returns>
    private DateTimeOffset? AttemptElsewhereUntil()
    {
        var until = State.AttemptStartedAt + AttemptLease;
        return until > Now && ClaimingSiloMayBeAlive() ? until : null;
    }

    /// <summary>
    /// When the heal's next attempt is due. Healing always has one due; should none be stored, it is due now rather
    /// than never. A claim stored by a silo now gone is over: its attempt is due now, not at the end of its lease.
    /// </summary>
    private DateTimeOffset NextAttemptDue() =>
        State.AttemptStartedAt is not null && !ClaimingSiloMayBeAlive() ? Now : State.NextAttemptAt ?? Now;

    /// <summary>
    /// A silo the cluster has declared dead has had its sockets closed by its kernel: the NSMgr saw its calls end. Only
    /// a silo still a member (a duplicate activation's) may still be mid-call.
    /// </summary>
    private bool ClaimingSiloMayBeAlive()
    {
        if (State.AttemptSilo is null)
        {
            return true;
        }

        var silo = SiloAddress.FromParsableString(State.AttemptSilo);
        return membership.CurrentSnapshot.GetSiloStatus(silo) is not (SiloStatus.Dead or SiloStatus.None);
    }

    private TimeSpan AttemptLease => 2 * State.Policy.RequestTimeout + AttemptLeaseMargin;

    /// <summary>
    /// Stores that an attempt starts, before any NSMgr call. The write is a fence: of two activations, the one holding
    /// an older version fails it and stands down instead of healing the connection a second time; and the stored start
    /// tells a later activation to wait the attempt out (<see cref="AttemptElsewhereUntil"/>).
    /// </summary>
    /// <returns>Whether this activation may call the NSMgr; if not, the permit is handed back.</returns>
    private async Task<bool> ClaimAttempt(string address, string permit)
    {
        var nextAttemptAt = State.NextAttemptAt;
        State.AttemptStartedAt = Now;
        State.AttemptSilo = localSilo.SiloAddress.ToParsableString();
        // Stored with the claim: should this silo die mid-call, the heal resumes elsewhere once the call is surely over.
        State.NextAttemptAt = State.AttemptStartedAt + AttemptLease;
        try
        {
            await Persist();
            return true;
        }
        catch (Exception e)
        {
            State.AttemptStartedAt = null;
            State.AttemptSilo = null;
            State.NextAttemptAt = nextAttemptAt;
            ReturnPermit(address, permit);
            if (e is not InconsistentStateException)
            {
                // Storage unreachable: no attempt without its claim. Try again a backoff step later.
                ConnectionGrainLog.BookkeepingFailed(logger, Id, "claim a heal attempt", e.Message);
                ScheduleWakeup(Now + Backoff.Delay(State.Policy, State.CurrentHeal!.Attempts + 1, jitter.NextFraction()));
            }

            return false;
        }
    }

    /// <summary>A permit taken for an attempt that did not happen: back to the admission, as if never used.</summary>
    private void ReturnPermit(string address, string permit) => GrainFactory.GetGrain<IHealAdmissionGrain>(address).GiveBack(permit).Ignore();

    private async Task RegisterBackstop()
    {
        var period = options.Value.BackstopReminderPeriod;
        // Never due at once: a reminder due immediately may lose its first tick, and the timer covers the present.
        _backstop = await this.RegisterOrUpdateReminder(HealingStorage.BackstopReminder, period, period);
    }

    /// <summary>
    /// A heal's first attempt does not wait for its reminder: the registration runs alongside it. The next reminder
    /// operation waits for it, and a registration that failed is repeated at the next retry.
    /// </summary>
    private void RegisterBackstopInBackground() => _backstopRegistration = RegisterBackstop();

    private async Task SettleBackstopRegistration()
    {
        var registering = _backstopRegistration;
        _backstopRegistration = Task.CompletedTask;
        try
        {
            await registering;
        }
        catch (Exception e)
        {
            _backstop = null;
            ConnectionGrainLog.BookkeepingFailed(logger, Id, "register the heal-backstop reminder", e.Message);
        }
    }

    private async Task UnregisterBackstop()
    {
        await SettleBackstopRegistration();
        // The handle from our own registration saves a read of the reminder table; a reminder left by an earlier
        // activation has to be looked up.
        var reminder = _backstop ?? await this.GetReminder(HealingStorage.BackstopReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _backstop = null;
    }
}
