using Nsm.Healing.Admission;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Grains;

/// <summary>Turns triggers (monitor events, liveness, operator) into heals, by asking <see cref="HealDecider"/>.</summary>
public sealed partial class ConnectionGrain
{
    Task IConnectionEvents.OnMonitorEvent(MonitorEvent monitorEvent)
    {
        var trigger = monitorEvent.Kind switch
        {
            MonitorEventKind.Down => HealTrigger.ConnectionDown,
            MonitorEventKind.Deleted => HealTrigger.ConnectionDeleted,
            MonitorEventKind.RefreshRequested => HealTrigger.RefreshRequested,
            _ => throw new ArgumentOutOfRangeException(nameof(monitorEvent), monitorEvent.Kind, "unknown monitor event kind"),
        };
        return HandleTrigger(trigger, monitorEvent);
    }

    Task IConnectionEvents.OnControlPlaneLost(string reason) => HandleTrigger(HealTrigger.ControlPlaneLost);

    Task IConnectionEvents.OnMissingAtNsmgr(DateTimeOffset snapshotAt) => Exclusive(async () =>
    {
        // A snapshot a little older than our last answer from the NSMgr predates it: restoring again would be a
        // redundant heal. The margin absorbs clock differences between silos.
        if (State.Phase == ConnectionPhase.Up && _upSince is { } upSince && upSince >= snapshotAt - SnapshotClockMargin)
        {
            ConnectionGrainLog.TriggerIgnored(logger, Id, State.Phase, HealTrigger.ControlPlaneLost);
            return;
        }

        await ActOnTrigger(HealTrigger.ControlPlaneLost);
    });

    /// <summary>Backoff resets when the NSMgr returns, so nobody sits out a long delay after recovery.</summary>
    Task IConnectionEvents.OnControlPlaneRestored() => Exclusive(async () =>
    {
        if (State.Phase == ConnectionPhase.Healing)
        {
            await ScheduleAttempt(Now);
        }
    });

    // Activation (OnActivateAsync) already rescheduled whatever was due.
    Task IConnectionEvents.Wake() => Task.CompletedTask;

    Task IConnectionEvents.OnHealAdmitted() => Exclusive(async () =>
    {
        if (State.Phase == ConnectionPhase.Healing)
        {
            await ScheduleAttempt(Now);
        }
        else if (State.NsmgrAddress is { } address)
        {
            // The heal ended meanwhile (healed, closed, paused): hand the permit straight back.
            GrainFactory.GetGrain<IHealAdmissionGrain>(address).Release(Id, nsmgrAnswered: true).Ignore();
        }
    });

    /// <param name="monitorEvent">The event behind the trigger, if any. Judged inside the gate: a heal in flight
    /// may replace the connection the event is about while the event waits its turn.</param>
    private Task HandleTrigger(HealTrigger trigger, MonitorEvent? monitorEvent = null) => Exclusive(async () =>
    {
        if (monitorEvent is not null && !MonitorEventRelevance.IsAboutCurrent(State.Connection, monitorEvent.Connection))
        {
            ConnectionGrainLog.StaleMonitorEvent(logger, Id, monitorEvent.Kind, monitorEvent.Connection?.NetworkServiceEndpointName ?? "");
            return;
        }

        await ActOnTrigger(trigger);
    });

    /// <summary>Asks <see cref="HealDecider"/> and acts. Callers hold the gate.</summary>
    private async Task ActOnTrigger(HealTrigger trigger)
    {
        if (State.Phase == ConnectionPhase.Paused)
        {
            await RememberWhilePaused(trigger);
            return;
        }

        var decision = HealDecider.Decide(trigger, new HealSituation(State.Phase, State.CurrentHeal?.Decision, EffectiveDataPlane(), State.Policy));
        switch (decision)
        {
            case HealDecision.Ignore:
                ConnectionGrainLog.TriggerIgnored(logger, Id, State.Phase, trigger);
                break;
            case HealDecision.Refresh:
                await RefreshNow();
                break;
            default:
                await StartOrSwitchHeal(trigger, decision);
                break;
        }
    }

    private async Task RememberWhilePaused(HealTrigger trigger)
    {
        var remembered = PausedTriggers.Remember(State.TriggerWhilePaused, trigger);
        if (remembered == State.TriggerWhilePaused)
        {
            return;
        }

        State.TriggerWhilePaused = remembered;
        await Persist();
        ConnectionGrainLog.PausedTrigger(logger, Id, trigger);
    }

    private async Task StartOrSwitchHeal(HealTrigger trigger, HealDecision decision)
    {
        if (State.Phase == ConnectionPhase.Healing && State.CurrentHeal is { } heal)
        {
            if (heal.Decision != decision)
            {
                State.CurrentHeal = heal with { Decision = decision };
                State.OldConnectionClosed = false;
                ConnectionGrainLog.HealSwitched(logger, heal.IncidentId, Id, decision, trigger);
            }
        }
        else
        {
            ClearHealProgress();
            State.CurrentHeal = new HealRecord
            {
                IncidentId = Guid.NewGuid().ToString("N"),
                Trigger = trigger,
                Decision = decision,
                StartedAt = Now,
                EndpointBefore = State.Connection?.NetworkServiceEndpointName,
            };
            State.Phase = ConnectionPhase.Healing;
            State.Reason = $"{trigger}: {decision}";
            State.RefreshDueAt = null;
            State.NextAttemptAt = Now;
            ConnectionGrainLog.HealStarted(logger, State.CurrentHeal.IncidentId, Id, trigger, decision);
            metrics.HealStarted(trigger, decision);
            // The first attempt leaves at once: its claim (ClaimAttempt) stores the heal, and the backstop reminder
            // is registered alongside it.
            _healStartUnsaved = true;
            RegisterBackstopInBackground();
            ScheduleWakeup(Now);
            Publish();
            return;
        }

        await ScheduleAttempt(Now);
    }
}
