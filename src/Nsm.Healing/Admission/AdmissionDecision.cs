namespace Nsm.Healing.Admission;

/// <summary>Whether a heal may call the NSMgr now, and if not, when to ask again.</summary>
[GenerateSerializer, Immutable, Alias("nsm.AdmissionDecision")]
public sealed record AdmissionDecision(
    [property: Id(0)] bool Admitted,
    [property: Id(1)] TimeSpan RetryAfter);
