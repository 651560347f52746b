namespace Nsm.Healing.Admission;

/// <summary>One NSMgr's heal admission: budget, permits in use, queue depth.</summary>
[GenerateSerializer, Immutable, Alias("nsm.AdmissionStatus")]
public sealed record AdmissionStatus(
    [property: Id(0)] int Budget,
    [property: Id(1)] int InUse,
    [property: Id(2)] int Waiting);
