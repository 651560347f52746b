namespace Nsm.Healing.Custody;

/// <summary>What the cluster's quarantine stores: the quarantines in force, the loop reports that may make more, and the
/// last lifts.</summary>
[GenerateSerializer, Alias("nsm.QuarantineBook")]
public sealed class QuarantineBook
{
    [Id(0)] public List<QuarantineEntry> Entries { get; set; } = [];

    [Id(1)] public List<LoopReport> Reports { get; set; } = [];

    [Id(2)] public List<QuarantineLift> Lifts { get; set; } = [];

    public QuarantineSnapshot Snapshot() => new() { Entries = [.. Entries], Lifts = [.. Lifts] };
}
