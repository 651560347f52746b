namespace Nsm.Healing.Tests.Machine;

/// <summary>What the world does next to one connection, in the order its grain's gate would let it in.</summary>
public enum StepKind
{
    MonitorDown,
    MonitorDeleted,
    RefreshRequested,
    MissingAtNsmgr,
    StreamLost,
    StreamBack,
    LivenessUp,
    LivenessDown,
    NsmgrAnswers,
    NsmgrRejects,
    NsmgrUnreachable,
    NsmgrTimesOut,
    StorageWorks,
    StorageFails,
    StorageConflicts,
    AdmissionBusy,
    AdmissionFree,
    AdmissionGrants,
    StandingPermit,
    Close,
    CloseDuringNextCall,
    RequestAgain,
    Tick,
    OperatorHeal,
    Pause,
    Resume,
    BackstopTick,
    Advance,
}

/// <param name="Millis">How far an <see cref="StepKind.Advance"/> moves the clock.</param>
/// <param name="Fraction">The jitter draw for whatever this step schedules.</param>
public readonly record struct Step(StepKind Kind, int Millis, double Fraction)
{
    public override string ToString() => Kind == StepKind.Advance ? $"Advance({Millis}ms)" : Kind.ToString();
}
