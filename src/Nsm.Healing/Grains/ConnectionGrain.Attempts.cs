using Nsm.Api;
using Nsm.Healing.Admission;
using Nsm.Healing.Decisions;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Grains;

/// <summary>
/// Carries out heals and refreshes. A grain timer does the fast retries; a reminder registered only while
/// healing is the durable backstop that brings the grain back on another silo if this one dies.
/// </summary>
public sealed partial class ConnectionGrain
{
    async Task IRemindable.ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != HealingStorage.BackstopReminder)
        {
            return;
        }

        // Idempotent: re-arming replaces the timer with one due at the same time. It repairs a timer lost to a
        // failover, a deactivation or a failed wakeup (storage or admission briefly unreachable).
        await Exclusive(async () =>
        {
            if (State.Phase != ConnectionPhase.Healing)
            {
                await UnregisterBackstop();
            }
            else
            {
                ScheduleWakeup(NextAttemptDue());
            }
        });
    }

    private Task OnWakeup(CancellationToken cancellationToken) => Exclusive(async () =>
    {
        var dueAt = State.Phase switch
        {
            ConnectionPhase.Healing => NextAttemptDue(),
            ConnectionPhase.Up => State.RefreshDueAt,
            _ => null,
        };
        if (dueAt is null)
        {
            return;
        }

        if (dueAt > Now)
        {
            // Timers may fire a little early; never let an early tick drop the scheduled work.
            ScheduleWakeup(dueAt.Value);
        }
        else if (State.Phase == ConnectionPhase.Healing)
        {
            await AttemptHeal();
        }
        else
        {
            await RefreshNow();
        }
    });

    private async Task AttemptHeal()
    {
        var heal = State.CurrentHeal!;
        var lastGood = State.LastGoodRequest!;
        var address = State.NsmgrAddress!;
        if (AttemptElsewhereUntil() is { } safeAt)
        {
            ConnectionGrainLog.AttemptElsewhere(logger, Id, State.AttemptStartedAt!.Value);
            await ScheduleAttempt(safeAt);
            return;
        }

        var admission = GrainFactory.GetGrain<IHealAdmissionGrain>(address);
        if (reserves.TryTake(address, out var permit))
        {
            if (_queuedAtAdmission)
            {
                // The place this heal held in the admission's queue, or the permit it was granted from there, is not needed.
                ReturnPermit(address, Id);
                _queuedAtAdmission = false;
            }
        }
        else
        {
            var admitted = await AskAdmission(admission, heal);
            if (!admitted.Admitted)
            {
                // Storm control: the NSMgr's budget is spent. The admission tells us when a permit is ours; the
                // scheduled wakeup is only the backstop. Not an attempt, and nothing to store: a queued heal asks
                // often, and only a heal not yet stored at all is written (a wait in the queue is not worth a write).
                _queuedAtAdmission = true;
                State.NextAttemptAt = Now + admitted.RetryAfter;
                ScheduleWakeup(State.NextAttemptAt.Value);
                if (_healStartUnsaved)
                {
                    await Persist();
                }

                return;
            }

            permit = Id;
            _queuedAtAdmission = false;
        }

        var nsmgrAnswered = false;
        if (!await ClaimAttempt(address, permit))
        {
            return;
        }

        NetworkServiceRequest request;
        Connection answer;
        try
        {
            if (heal.Decision == HealDecision.Reselect && !State.OldConnectionClosed)
            {
                await CloseBeforeReselect(address, lastGood.Connection);
                State.OldConnectionClosed = true;
            }

            request = heal.Decision == HealDecision.Restore ? HealRequests.Restore(lastGood) : HealRequests.Reselect(lastGood);
            answer = await RequestAtNsmgr(address, request, State.Policy.RequestTimeout);
            nsmgrAnswered = true;
        }
        catch (Exception) when (_closeRequested)
        {
            // The Close waiting behind us takes over.
            return;
        }
        catch (Exception e)
        {
            nsmgrAnswered = e is NsmRequestFailedException failure && !NsmgrFailure.IsUnreachable(failure.StatusCode);
            await OnAttemptFailed(e);
            return;
        }
        finally
        {
            admission.Release(permit, nsmgrAnswered).Ignore();
            reserves.Replenish(address);
        }

        // Only the NSMgr call is the attempt: bookkeeping that fails from here on must never heal a healthy
        // connection again (a retry would reselect from the new connection, without a Close first).
        await CompleteHeal(heal, request, answer);
    }

    /// <summary>
    /// Close before reselect: the old endpoint must not keep a duplicate of this connection. A Close the NSMgr did not
    /// answer (down, restarting) fails the attempt, to be retried: a Request sent once the NSMgr is back would leave
    /// the old NSE holding the connection until its tokens expire. A Close the NSMgr answered with an error is done:
    /// there is nothing left there to close.
    /// </summary>
    private async Task CloseBeforeReselect(string address, Connection connection)
    {
        try
        {
            await nsmgr.CloseAsync(address, HealRequests.ForClose(connection), State.Policy.RequestTimeout, CancellationToken.None);
        }
        catch (NsmRequestFailedException e) when (!NsmgrFailure.IsUnreachable(e.StatusCode))
        {
            ConnectionGrainLog.CloseFailed(logger, Id, address, e.Message);
        }
    }

    /// <summary>An unreachable admission (its silo just died) delays the attempt by a backoff step; it never drops it.</summary>
    private async Task<AdmissionDecision> AskAdmission(IHealAdmissionGrain admission, HealRecord heal)
    {
        try
        {
            return await admission.TryAdmit(Id);
        }
        catch (Exception e)
        {
            ConnectionGrainLog.AdmissionUnreachable(logger, heal.IncidentId, Id, e.Message);
            return new AdmissionDecision(false, Backoff.Delay(State.Policy, heal.Attempts + 1, jitter.NextFraction()));
        }
    }

    private async Task CompleteHeal(HealRecord heal, NetworkServiceRequest sent, Connection answer)
    {
        var finished = heal with
        {
            Attempts = heal.Attempts + 1,
            EndedAt = Now,
            Outcome = HealOutcome.Healed,
            EndpointAfter = answer.NetworkServiceEndpointName,
        };
        AppendHistory(finished);
        metrics.HealEnded(finished);
        State.LastGoodRequest = HealRequests.WithAnswer(sent, answer);
        if (heal.Decision == HealDecision.Reselect)
        {
            // A new vWire: whatever was said about the old one no longer applies.
            _reportedDataPlane = DataPlaneVerdict.Unknown;
            _dataPlaneReportedAt = null;
        }

        ConnectionGrainLog.HealSucceeded(logger, heal.IncidentId, Id, heal.Decision, answer.NetworkServiceEndpointName, finished.Attempts, finished.Duration ?? TimeSpan.Zero);
        // Up is stored first; a reminder left behind unregisters itself at its next tick once it sees Up.
        await BecomeUp();
        await BestEffort("unregister the heal-backstop reminder", UnregisterBackstop);
    }

    /// <summary>Bookkeeping whose failure must not undo what the NSMgr already did; logged, repaired later.</summary>
    private async Task BestEffort(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            ConnectionGrainLog.BookkeepingFailed(logger, Id, what, e.Message);
        }
    }

    private async Task OnAttemptFailed(Exception error)
    {
        State.AttemptStartedAt = null;
        State.AttemptSilo = null;
        var heal = State.CurrentHeal! with { Attempts = State.CurrentHeal!.Attempts + 1, Detail = error.Message };
        var statusCode = (error as NsmRequestFailedException)?.StatusCode ?? "Unknown";
        // Identity trouble (#11) is neither an outage nor a refusal of the endpoint: it never counts as a rejected restore.
        if (heal.Decision == HealDecision.Restore && !NsmgrFailure.IsUnreachable(statusCode) && !HealDecider.HoldsForIdentity(statusCode))
        {
            State.RejectedRestores++;
            State.FirstRestoreRejectionAt ??= Now;
        }

        var plan = RetryPlanner.AfterFailure(
            heal.Decision, heal.Attempts, State.RejectedRestores, State.FirstRestoreRejectionAt,
            heal.StartedAt, EffectiveDataPlane(), Now, State.Policy, jitter.NextFraction(), (statusCode, error.Message));
        switch (plan)
        {
            case RetryPlan.RetryAfter retry:
                State.CurrentHeal = heal;
                ConnectionGrainLog.HealAttemptFailed(logger, heal.IncidentId, Id, heal.Decision, heal.Attempts, retry.Delay, error.Message);
                await ScheduleAttempt(Now + retry.Delay);
                break;
            case RetryPlan.HoldForIdentity hold:
                // #11: the heal waits for identity in plain sight (Reason) and retries the same decision; nothing moves or closes.
                State.CurrentHeal = heal with { Detail = hold.Reason };
                State.Reason = hold.Reason;
                ConnectionGrainLog.HealHeldForIdentity(logger, heal.IncidentId, Id, heal.Decision, hold.Delay, hold.Reason);
                await ScheduleAttempt(Now + hold.Delay);
                Publish();
                break;
            case RetryPlan.EscalateToReselect escalate:
                State.CurrentHeal = heal with { Decision = HealDecision.Reselect, Escalated = true, Detail = $"{escalate.Reason}; last error: {error.Message}" };
                State.OldConnectionClosed = false;
                ConnectionGrainLog.HealEscalated(logger, heal.IncidentId, Id, escalate.Reason);
                await ScheduleAttempt(Now);
                break;
            case RetryPlan.GiveUp giveUp:
                var reason = $"{giveUp.Reason}; last error: {error.Message}";
                var failed = heal with { Outcome = HealOutcome.Failed, EndedAt = Now, Detail = reason };
                AppendHistory(failed);
                metrics.HealEnded(failed);
                ClearHealProgress();
                State.Phase = ConnectionPhase.Failed;
                State.Reason = reason;
                StopWakeup();
                await UnregisterBackstop();
                await Persist();
                ConnectionGrainLog.HealFailed(logger, heal.IncidentId, Id, reason);
                Publish();
                break;
        }
    }

    /// <summary>A keep-alive: the last good request again, so path tokens never expire. Not a heal.</summary>
    private async Task RefreshNow()
    {
        var request = HealRequests.Restore(State.LastGoodRequest!);
        try
        {
            var answer = await RequestAtNsmgr(State.NsmgrAddress!, request, State.Policy.RequestTimeout);
            State.LastGoodRequest = HealRequests.WithAnswer(request, answer);
            metrics.Refreshed(succeeded: true);
            await BecomeUp();
        }
        catch (Exception) when (_closeRequested)
        {
        }
        catch (Exception e)
        {
            ConnectionGrainLog.RefreshFailed(logger, Id, e.Message);
            metrics.Refreshed(succeeded: false);
            var decision = HealDecider.Decide(HealTrigger.RefreshFailed, new HealSituation(State.Phase, null, EffectiveDataPlane(), State.Policy));
            await StartOrSwitchHeal(HealTrigger.RefreshFailed, decision);
        }
    }

    /// <summary>Enters (or stays) Up: schedules the next refresh, persists, tells watchers.</summary>
    private async Task BecomeUp()
    {
        ClearHealProgress();
        State.Phase = ConnectionPhase.Up;
        State.Reason = null;
        _upSince = Now;
        State.RefreshDueAt = RefreshSchedule.NextRefreshAt(State.Connection!, Now, State.Policy.RefreshFraction);
        if (State.RefreshDueAt is { } refreshAt)
        {
            ScheduleWakeup(refreshAt);
        }
        else
        {
            StopWakeup();
        }

        await Persist();
        await EnsureMonitored(State.NsmgrAddress!);
        ConnectionGrainLog.ConnectionUp(logger, Id, State.Connection!.NetworkServiceEndpointName, State.NsmgrAddress!);
        Publish();
    }

    /// <summary>
    /// Registers with the NSMgr's monitor once per activation: the monitor keeps its registrations durably, so a
    /// registration on every Up (every heal and refresh) would only be a message to one grain per NSMgr that a heal
    /// storm sends thousands of times. A new activation registers again, which repairs a registration lost anywhere.
    /// </summary>
    private async Task EnsureMonitored(string address)
    {
        if (_monitoredAt == address)
        {
            return;
        }

        await BestEffort("register with the NSMgr's monitor", async () =>
        {
            await GrainFactory.GetGrain<INsmgrMonitorGrain>(address).Register(Id);
            _monitoredAt = address;
        });
    }

    private async Task ScheduleAttempt(DateTimeOffset at)
    {
        State.NextAttemptAt = at;
        ScheduleWakeup(at);
        await Persist();
        await SettleBackstopRegistration();
        if (_backstop is null)
        {
            // Registered alongside the first attempt, and that failed, or the heal came back with a new activation.
            await RegisterBackstop();
        }

        Publish();
    }

    private void ScheduleWakeup(DateTimeOffset at)
    {
        var dueIn = at - Now;
        // A fresh one-shot timer each time: Change() from inside the timer's own callback is undone when the
        // callback returns, and most attempts are scheduled from inside it.
        _wakeup?.Dispose();
        _wakeup = this.RegisterGrainTimer(OnWakeup, new GrainTimerCreationOptions(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            // A scheduled heal or refresh must run even if nobody calls the grain meanwhile.
            KeepAlive = true,
        });
    }

    private void StopWakeup()
    {
        _wakeup?.Dispose();
        _wakeup = null;
    }

    /// <summary>One NSMgr Request, cancellable by a Close.</summary>
    private async Task<Connection> RequestAtNsmgr(string address, NetworkServiceRequest request, TimeSpan timeout)
    {
        using var inFlight = new CancellationTokenSource();
        _inFlight = inFlight;
        try
        {
            return await nsmgr.RequestAsync(address, request, timeout, inFlight.Token);
        }
        finally
        {
            _inFlight = null;
        }
    }

    /// <summary>Best effort: a Close that fails leaves the connection to expire at the NSMgr with its tokens.</summary>
    private async Task CloseQuietly(string address, Connection connection, HealPolicy policy)
    {
        try
        {
            await nsmgr.CloseAsync(address, HealRequests.ForClose(connection), policy.RequestTimeout, CancellationToken.None);
        }
        catch (Exception e)
        {
            ConnectionGrainLog.CloseFailed(logger, Id, address, e.Message);
        }
    }
}
