using Nsm.Healing.Decisions;
using Decision = Nsm.Healing.HealDecision;

namespace Nsm.Healing.Tests.Properties;

/// <summary>What the environment does to one connection, in the order the grain's gate would see it.</summary>
public enum ModelEventKind
{
    MonitorDown,
    MonitorDeleted,
    RefreshRequested,
    StreamLost,
    StreamBack,
    LivenessUp,
    LivenessDown,
    NsmgrAnswers,
    NsmgrRejects,
    NsmgrUnreachable,
    NsmgrTimesOut,
    Close,
    Tick,
    OperatorHeal,
    Pause,
    Resume,
    Advance,
}

/// <param name="Millis">How far an <see cref="ModelEventKind.Advance"/> moves the clock.</param>
/// <param name="Fraction">The jitter draw used if this event leads to a retry.</param>
public readonly record struct ModelEvent(ModelEventKind Kind, int Millis, double Fraction)
{
    public override string ToString() => Kind switch
    {
        ModelEventKind.Advance => $"Advance({Millis}ms)",
        ModelEventKind.Tick or ModelEventKind.NsmgrRejects or ModelEventKind.NsmgrUnreachable or ModelEventKind.NsmgrTimesOut => $"{Kind}({Fraction:0.###})",
        _ => Kind.ToString(),
    };
}

/// <summary>How the NSMgr answers the next Request or Close, until told otherwise.</summary>
public enum NsmgrBehaviour { Answers, Rejects, Unreachable, TimesOut }

/// <summary>Something the connection sent to the NSMgr, as the NSMgr would see it.</summary>
public readonly record struct ModelAction(DateTimeOffset At, string What, int Endpoint, HealDecision? Decision, ConnectionPhase PhaseBefore);

/// <summary>
/// The connection grain (src/Nsm.Healing/Grains/ConnectionGrain*.cs) reduced to its state machine: the same fields,
/// the same order of checks, with every choice made by <see cref="HealDecider"/> and <see cref="RetryPlanner"/>.
/// Timers, storage, admission, metrics and the monitor registration are left out; the NSMgr is a behaviour switch
/// and a Request completes within the step that sends it. Stale monitor events are out of scope here
/// (see <see cref="MonitorEventRelevanceProperties"/>): every event is about the current connection.
/// </summary>
public sealed class ConnectionModel(HealPolicy policy)
{
    public static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan RefreshPeriod = TimeSpan.FromSeconds(120);

    public HealPolicy Policy { get; } = policy;
    public DateTimeOffset Now { get; private set; } = Start;
    public ConnectionPhase Phase { get; private set; } = ConnectionPhase.Up;
    public string? Reason { get; private set; }
    public HealDecision? HealDecision { get; private set; }
    public int Attempts { get; private set; }
    public int RejectedRestores { get; private set; }
    public DateTimeOffset? FirstRestoreRejectionAt { get; private set; }
    public DateTimeOffset HealStartedAt { get; private set; }
    public bool OldConnectionClosed { get; private set; }
    public DateTimeOffset? NextAttemptAt { get; private set; }
    public DateTimeOffset? RefreshDueAt { get; private set; } = Start + RefreshPeriod;
    public HealTrigger? TriggerWhilePaused { get; private set; }
    public DataPlaneVerdict ReportedDataPlane { get; private set; }
    public DateTimeOffset? DataPlaneReportedAt { get; private set; }
    public NsmgrBehaviour Nsmgr { get; private set; }

    /// <summary>The endpoint the connection holds; a successful reselect moves to a new one.</summary>
    public int Endpoint { get; private set; } = 1;

    public List<ModelAction> Actions { get; } = [];
    public List<TimeSpan> RetryDelays { get; } = [];
    public List<string> FailureReasons { get; } = [];
    public List<(HealTrigger Trigger, HealDecision Decision, HealDecision? InProgress, DataPlaneVerdict DataPlane)> Decisions { get; } = [];
    /// <summary>How many actions had been sent when the NSC closed, the Close included.</summary>
    public int? ActionsAtClose { get; private set; }

    public DataPlaneVerdict EffectiveDataPlane =>
        DataPlaneKnowledge.Effective(ReportedDataPlane, DataPlaneReportedAt, Now, Policy.DataPlaneVerdictLifetime);

    public void Apply(ModelEvent e)
    {
        switch (e.Kind)
        {
            case ModelEventKind.MonitorDown: ActOnTrigger(HealTrigger.ConnectionDown); break;
            case ModelEventKind.MonitorDeleted: ActOnTrigger(HealTrigger.ConnectionDeleted); break;
            case ModelEventKind.RefreshRequested: ActOnTrigger(HealTrigger.RefreshRequested); break;
            case ModelEventKind.StreamLost: ActOnTrigger(HealTrigger.ControlPlaneLost); break;
            case ModelEventKind.StreamBack:
                if (Phase == ConnectionPhase.Healing)
                {
                    NextAttemptAt = Now;
                }

                break;
            case ModelEventKind.LivenessUp: ReportDataPlane(DataPlaneVerdict.Up); break;
            case ModelEventKind.LivenessDown: ReportDataPlane(DataPlaneVerdict.Down); break;
            case ModelEventKind.NsmgrAnswers: Nsmgr = NsmgrBehaviour.Answers; break;
            case ModelEventKind.NsmgrRejects: Nsmgr = NsmgrBehaviour.Rejects; break;
            case ModelEventKind.NsmgrUnreachable: Nsmgr = NsmgrBehaviour.Unreachable; break;
            case ModelEventKind.NsmgrTimesOut: Nsmgr = NsmgrBehaviour.TimesOut; break;
            case ModelEventKind.Close: Close(); break;
            case ModelEventKind.Tick: Tick(e.Fraction); break;
            case ModelEventKind.OperatorHeal: ActOnTrigger(HealTrigger.Operator); break;
            case ModelEventKind.Pause: Pause(); break;
            case ModelEventKind.Resume: Resume(); break;
            case ModelEventKind.Advance: Now += TimeSpan.FromMilliseconds(e.Millis); break;
            default: throw new ArgumentOutOfRangeException(nameof(e), e.Kind, "unknown event");
        }
    }

    /// <summary>The wakeup timer: due work runs, early ticks do nothing.</summary>
    public void Tick(double fraction)
    {
        var dueAt = Phase switch
        {
            ConnectionPhase.Healing => NextAttemptAt,
            ConnectionPhase.Up => RefreshDueAt,
            _ => null,
        };
        if (dueAt is null || dueAt > Now)
        {
            return;
        }

        if (Phase == ConnectionPhase.Healing)
        {
            AttemptHeal(fraction);
        }
        else
        {
            RefreshNow();
        }
    }

    private void ReportDataPlane(DataPlaneVerdict verdict)
    {
        ReportedDataPlane = verdict;
        DataPlaneReportedAt = Now;
        if (verdict == DataPlaneVerdict.Down)
        {
            ActOnTrigger(HealTrigger.DataPlaneDown);
        }
    }

    private void ActOnTrigger(HealTrigger trigger)
    {
        if (Phase == ConnectionPhase.Paused)
        {
            TriggerWhilePaused = PausedTriggers.Remember(TriggerWhilePaused, trigger);

            return;
        }

        var decision = HealDecider.Decide(trigger, new HealSituation(Phase, HealDecision, EffectiveDataPlane, Policy));
        Decisions.Add((trigger, decision, HealDecision, EffectiveDataPlane));
        switch (decision)
        {
            case Decision.Ignore:
                break;
            case Decision.Refresh:
                RefreshNow();
                break;
            default:
                StartOrSwitchHeal(decision);
                break;
        }
    }

    private void StartOrSwitchHeal(HealDecision decision)
    {
        if (Phase == ConnectionPhase.Healing && HealDecision is { } inProgress)
        {
            if (inProgress != decision)
            {
                HealDecision = decision;
                OldConnectionClosed = false;
            }
        }
        else
        {
            ClearHealProgress();
            HealDecision = decision;
            HealStartedAt = Now;
            Phase = ConnectionPhase.Healing;
            Reason = $"{decision}";
            RefreshDueAt = null;
        }

        NextAttemptAt = Now;
    }

    private void AttemptHeal(double fraction)
    {
        var decision = HealDecision!.Value;
        NextAttemptAt = null;
        if (decision == Decision.Reselect && !OldConnectionClosed)
        {
            // Close before reselect; CloseQuietly swallows its failure.
            Send("Close", null);
            OldConnectionClosed = true;
        }

        Send("Request", decision);
        switch (Nsmgr)
        {
            case NsmgrBehaviour.Answers:
                if (decision == Decision.Reselect)
                {
                    Endpoint++;
                    ReportedDataPlane = DataPlaneVerdict.Unknown;
                    DataPlaneReportedAt = null;
                }

                BecomeUp();
                break;
            case NsmgrBehaviour.Rejects:
                OnAttemptFailed("NotFound", fraction);
                break;
            case NsmgrBehaviour.Unreachable:
                OnAttemptFailed("Unavailable", fraction);
                break;
            case NsmgrBehaviour.TimesOut:
                Now += Policy.RequestTimeout;
                OnAttemptFailed("DeadlineExceeded", fraction);
                break;
        }
    }

    private void OnAttemptFailed(string statusCode, double fraction)
    {
        Attempts++;
        var decision = HealDecision!.Value;
        if (decision == Decision.Restore && !NsmgrFailure.IsUnreachable(statusCode))
        {
            RejectedRestores++;
            FirstRestoreRejectionAt ??= Now;
        }

        var plan = RetryPlanner.AfterFailure(
            decision, Attempts, RejectedRestores, FirstRestoreRejectionAt, HealStartedAt, EffectiveDataPlane, Now, Policy, fraction);
        switch (plan)
        {
            case RetryPlan.RetryAfter retry:
                RetryDelays.Add(retry.Delay);
                NextAttemptAt = Now + retry.Delay;
                break;
            case RetryPlan.EscalateToReselect:
                HealDecision = Decision.Reselect;
                OldConnectionClosed = false;
                NextAttemptAt = Now;
                break;
            case RetryPlan.GiveUp giveUp:
                FailureReasons.Add(giveUp.Reason);
                ClearHealProgress();
                Phase = ConnectionPhase.Failed;
                Reason = giveUp.Reason;
                break;
            default:
                throw new InvalidOperationException($"unknown plan {plan}");
        }
    }

    private void RefreshNow()
    {
        Send("Request", Decision.Refresh);
        switch (Nsmgr)
        {
            case NsmgrBehaviour.Answers:
                BecomeUp();
                break;
            default:
                if (Nsmgr == NsmgrBehaviour.TimesOut)
                {
                    Now += Policy.RequestTimeout;
                }

                var decision = HealDecider.Decide(HealTrigger.RefreshFailed, new HealSituation(Phase, null, EffectiveDataPlane, Policy));
                Decisions.Add((HealTrigger.RefreshFailed, decision, null, EffectiveDataPlane));
                StartOrSwitchHeal(decision);
                break;
        }
    }

    private void BecomeUp()
    {
        ClearHealProgress();
        Phase = ConnectionPhase.Up;
        Reason = null;
        RefreshDueAt = Now + RefreshPeriod;
    }

    private void Close()
    {
        if (Phase is ConnectionPhase.None or ConnectionPhase.Closed)
        {
            return;
        }

        Phase = ConnectionPhase.Closing;
        Send("Close", null);
        Phase = ConnectionPhase.Closed;
        ActionsAtClose = Actions.Count;
        Reason = "closed by the NSC";
        ClearHealProgress();
        RefreshDueAt = null;
        TriggerWhilePaused = null;
    }

    private void Pause()
    {
        if (Phase is not (ConnectionPhase.Requesting or ConnectionPhase.Up or ConnectionPhase.Healing))
        {
            return;
        }

        Phase = ConnectionPhase.Paused;
        Reason = "paused by an operator";
        NextAttemptAt = null;
    }

    private void Resume()
    {
        if (Phase != ConnectionPhase.Paused)
        {
            return;
        }

        var trigger = PausedTriggers.AtResume(TriggerWhilePaused, EffectiveDataPlane);
        TriggerWhilePaused = null;
        Reason = null;
        if (HealDecision is not null)
        {
            Phase = ConnectionPhase.Healing;
            NextAttemptAt = Now;
        }
        else
        {
            BecomeUp();
        }

        if (trigger is { } missed)
        {
            ActOnTrigger(missed);
        }
    }

    private void ClearHealProgress()
    {
        HealDecision = null;
        Attempts = 0;
        RejectedRestores = 0;
        FirstRestoreRejectionAt = null;
        OldConnectionClosed = false;
        NextAttemptAt = null;
    }

    private void Send(string what, HealDecision? decision) => Actions.Add(new ModelAction(Now, what, Endpoint, decision, Phase));
}
