using CsCheck;
using Nsm.Healing.Decisions;
using Nsm.Healing.Tests.Machine;

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

    /// <summary>Every input a connection can get, weighted so ticks and time dominate and heals run to completion.</summary>
    public static readonly Gen<Step> AnyStep = StepOf(
        (3, StepKind.MonitorDown), (2, StepKind.MonitorDeleted), (1, StepKind.RefreshRequested), (1, StepKind.MissingAtNsmgr),
        (3, StepKind.StreamLost), (3, StepKind.StreamBack),
        (3, StepKind.LivenessUp), (3, StepKind.LivenessDown),
        (3, StepKind.NsmgrAnswers), (3, StepKind.NsmgrRejects), (3, StepKind.NsmgrUnreachable), (2, StepKind.NsmgrTimesOut),
        (3, StepKind.StorageWorks), (1, StepKind.StorageFails), (1, StepKind.StorageConflicts),
        (2, StepKind.AdmissionBusy), (2, StepKind.AdmissionFree), (2, StepKind.AdmissionGrants), (2, StepKind.StandingPermit),
        (1, StepKind.Close), (1, StepKind.CloseDuringNextCall), (1, StepKind.RequestAgain), (12, StepKind.Tick), (2, StepKind.OperatorHeal),
        (2, StepKind.Pause), (2, StepKind.Resume), (1, StepKind.BackstopTick), (10, StepKind.Advance));

    /// <summary>Control plane trouble only: stream loss and return, an unreachable or slow NSMgr, storage and admission
    /// trouble; the data plane is reported Up or not at all.</summary>
    public static readonly Gen<Step> ControlPlaneStep = StepOf(
        (4, StepKind.StreamLost), (3, StepKind.StreamBack), (3, StepKind.LivenessUp), (1, StepKind.MissingAtNsmgr),
        (3, StepKind.NsmgrAnswers), (4, StepKind.NsmgrUnreachable), (3, StepKind.NsmgrTimesOut),
        (3, StepKind.StorageWorks), (1, StepKind.StorageFails), (1, StepKind.StorageConflicts),
        (2, StepKind.AdmissionBusy), (2, StepKind.AdmissionFree), (2, StepKind.AdmissionGrants), (2, StepKind.StandingPermit),
        (1, StepKind.RefreshRequested), (1, StepKind.Close), (1, StepKind.CloseDuringNextCall), (12, StepKind.Tick), (2, StepKind.OperatorHeal),
        (2, StepKind.Pause), (2, StepKind.Resume), (1, StepKind.BackstopTick), (10, StepKind.Advance));

    public static Gen<(HealPolicy Policy, Step[] Steps)> Scenario(Gen<Step> steps) =>
        Gen.Select(Policy, steps.Array[0, 80]);

    private static Gen<Step> StepOf(params (int Weight, StepKind Kind)[] kinds) =>
        from kind in Gen.Frequency(kinds)
        from millis in Gen.Frequency((3, Gen.Int[0, 1_000]), (2, Gen.Int[0, 60_000]), (1, Gen.Int[0, 900_000]))
        from fraction in Gen.Double[0.0, 0.999_999]
        select new Step(kind, millis, fraction);
}
