namespace Nsm.Healing;

/// <summary>One heal, from trigger to outcome. Kept in a bounded per-connection history.</summary>
[GenerateSerializer, Immutable, Alias("nsm.HealRecord")]
public sealed record HealRecord
{
    /// <summary>Correlates logs, metrics and history entries of one heal.</summary>
    [Id(0)] public required string IncidentId { get; init; }
    /// <summary>What started the heal: a monitor event, a lost stream, the NSC's liveness verdict, an operator.</summary>
    [Id(1)] public required HealTrigger Trigger { get; init; }

    /// <summary>The decision in force when the heal ended (a restore may have escalated to a reselect).</summary>
    [Id(2)] public required HealDecision Decision { get; init; }
    /// <summary>Requests (and Closes before a reselect) sent to the NSMgr for this heal so far.</summary>
    [Id(3)] public int Attempts { get; init; }
    /// <summary>When the trigger arrived.</summary>
    [Id(4)] public required DateTimeOffset StartedAt { get; init; }
    /// <summary>When the heal ended; null while it runs.</summary>
    [Id(5)] public DateTimeOffset? EndedAt { get; init; }
    /// <summary>How the heal ended, or that it is still in progress.</summary>
    [Id(6)] public HealOutcome Outcome { get; init; }

    /// <summary>Human-readable detail: the last error, why it escalated, why it failed.</summary>
    [Id(7)] public string? Detail { get; init; }
    /// <summary>The endpoint the connection reached when the heal started.</summary>
    [Id(8)] public string? EndpointBefore { get; init; }
    /// <summary>The endpoint it reaches after the heal: the same after a restore, a new one after a reselect.</summary>
    [Id(9)] public string? EndpointAfter { get; init; }

    /// <summary>True when a restore gave up on its endpoint and became a reselect.</summary>
    [Id(10)] public bool Escalated { get; init; }

    /// <summary>From trigger to end; null while the heal runs.</summary>
    public TimeSpan? Duration => EndedAt - StartedAt;
}
