using CsCheck;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>Generators shared by the property tests: valid heal policies and event interleavings.</summary>
internal static class Generators
{
    /// <summary>Cases per property: fixed, so a run's cost and coverage do not drift.</summary>
    public const long Iterations = 2000;

    /// <summary>Policies that pass <see cref="HealPolicy.Validate"/>, skewed towards small limits so they are hit.</summary>
    public static readonly Gen<HealPolicy> Policy =
        from firstMs in Gen.Int[1, 500]
        from maxMs in Gen.Int[0, 60_000]
        from multiplier in Gen.Double[1.0, 4.0]
        from jitter in Gen.Bool
        from maxAttempts in Gen.Int[0, 8]
        from deadlineSeconds in Gen.Frequency((1, 0), (1, 5), (1, 60), (1, 600))
        from restoreAttempts in Gen.Int[1, 6]
        from restoreSeconds in Gen.Int[1, 60]
        from onUnknown in Gen.Frequency((1, HealDecision.Restore), (1, HealDecision.Reselect))
        from verdictSeconds in Gen.Int[1, 60]
        select new HealPolicy
        {
            FirstRetryDelay = TimeSpan.FromMilliseconds(firstMs),
            MaxRetryDelay = TimeSpan.FromMilliseconds(Math.Max(firstMs, maxMs)),
            BackoffMultiplier = multiplier,
            Jitter = jitter,
            MaxAttempts = maxAttempts,
            HealDeadline = TimeSpan.FromSeconds(deadlineSeconds),
            RestoreAttemptsBeforeReselect = restoreAttempts,
            RestoreTimeBeforeReselect = TimeSpan.FromSeconds(restoreSeconds),
            OnDownWithUnknownDataPlane = onUnknown,
            DataPlaneVerdictLifetime = TimeSpan.FromSeconds(verdictSeconds),
        }.Validate();

    /// <summary>Every event the model knows, weighted so ticks and time dominate and heals run to completion.</summary>
    public static readonly Gen<ModelEvent> AnyEvent = EventOf(
        (3, ModelEventKind.MonitorDown), (2, ModelEventKind.MonitorDeleted), (1, ModelEventKind.RefreshRequested),
        (3, ModelEventKind.StreamLost), (3, ModelEventKind.StreamBack),
        (3, ModelEventKind.LivenessUp), (3, ModelEventKind.LivenessDown),
        (3, ModelEventKind.NsmgrAnswers), (3, ModelEventKind.NsmgrRejects), (3, ModelEventKind.NsmgrUnreachable), (2, ModelEventKind.NsmgrTimesOut),
        (1, ModelEventKind.Close), (12, ModelEventKind.Tick), (2, ModelEventKind.OperatorHeal),
        (2, ModelEventKind.Pause), (2, ModelEventKind.Resume), (10, ModelEventKind.Advance));

    /// <summary>Control plane trouble only: stream loss and return, an unreachable or slow NSMgr; the data plane is
    /// reported Up or not at all.</summary>
    public static readonly Gen<ModelEvent> ControlPlaneEvent = EventOf(
        (4, ModelEventKind.StreamLost), (3, ModelEventKind.StreamBack), (3, ModelEventKind.LivenessUp),
        (3, ModelEventKind.NsmgrAnswers), (4, ModelEventKind.NsmgrUnreachable), (3, ModelEventKind.NsmgrTimesOut),
        (1, ModelEventKind.RefreshRequested), (1, ModelEventKind.Close), (12, ModelEventKind.Tick), (2, ModelEventKind.OperatorHeal),
        (2, ModelEventKind.Pause), (2, ModelEventKind.Resume), (10, ModelEventKind.Advance));

    public static Gen<(HealPolicy Policy, ModelEvent[] Events)> Scenario(Gen<ModelEvent> events) =>
        Gen.Select(Policy, events.Array[0, 80]);

    private static Gen<ModelEvent> EventOf(params (int Weight, ModelEventKind Kind)[] kinds) =>
        from kind in Gen.Frequency(kinds)
        from millis in Gen.Frequency((3, Gen.Int[0, 1_000]), (2, Gen.Int[0, 60_000]), (1, Gen.Int[0, 900_000]))
        from fraction in Gen.Double[0.0, 0.999_999]
        select new ModelEvent(kind, millis, fraction);
}
