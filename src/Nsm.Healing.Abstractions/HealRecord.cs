namespace Nsm.Healing;

/// <summary>One heal, from trigger to outcome. Kept in a bounded per-connection history.</summary>
[GenerateSerializer, Immutable, Alias("nsm.HealRecord")]
public sealed record HealRecord
{
    /// <summary>Correlates logs, metrics and history entries of one heal.</summary>
    [Id(0)] public required string IncidentId { get; init; }
    [Id(1)] public required HealTrigger Trigger { get; init; }

    /// <summary>The decision in force when the heal ended (a restore may have escalated to a reselect).</summary>
    [Id(2)] public required HealDecision Decision { get; init; }
    [Id(3)] public int Attempts { get; init; }
    [Id(4)] public required DateTimeOffset StartedAt { get; init; }
    [Id(5)] public DateTimeOffset? EndedAt { get; init; }
    [Id(6)] public HealOutcome Outcome { get; init; }

    /// <summary>Human-readable detail: the last error, why it escalated, why it failed.</summary>
    [Id(7)] public string? Detail { get; init; }
    [Id(8)] public string? EndpointBefore { get; init; }
    [Id(9)] public string? EndpointAfter { get; init; }

    /// <summary>True when a restore gave up on its endpoint and became a reselect.</summary>
    [Id(10)] public bool Escalated { get; init; }

    public TimeSpan? Duration => EndedAt - StartedAt;
}
