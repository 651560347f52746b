namespace Nsm.Healing.Benchmarks;

/// <summary>Everything one run measured; written as JSON under BenchmarkResults/ and rendered into docs/benchmarks.md.</summary>
public sealed record BenchmarkRun(
    string Mode,
    DateTimeOffset StartedAt,
    double DurationSeconds,
    Machine Machine,
    int Silos,
    int SamplesPerVariant,
    IReadOnlyList<SingleHealResult> SingleHeal,
    IReadOnlyList<StormResult> Storms,
    IReadOnlyList<MicroResult> Micro,
    double SimulatorOnlyBytesPerConnection,
    IReadOnlyList<FootprintResult> Footprint,
    IReadOnlyList<RecoveryResult> Recovery,
    IReadOnlyList<IngestionResult> Ingestion,
    IReadOnlyList<CostResult>? Costs,
    IReadOnlyList<NamespaceHealResult>? NamespaceHeals = null,
    IReadOnlyList<AuditBenchResult>? OrphanAudits = null);
