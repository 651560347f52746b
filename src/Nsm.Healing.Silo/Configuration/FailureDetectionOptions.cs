namespace Nsm.Healing.Silo.Configuration;

/// <summary>
/// How quickly a dead silo is declared dead, so its connections heal elsewhere. Section
/// "Nsm:Cluster:FailureDetection"; applied to Orleans' ClusterMembershipOptions. The defaults declare a
/// killed silo dead in a few seconds instead of Orleans' minute-scale defaults; longer values tolerate
/// GC pauses and CPU starvation better (see docs/cluster.md).
/// </summary>
public sealed class FailureDetectionOptions
{
    public const string Section = HealingSiloOptions.Section + ":FailureDetection";

    /// <summary>How long one liveness probe may take (Orleans: 5 s). Orleans adapts it between half and four times this.</summary>
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Missed probes before a silo suspects another (Orleans: 3).</summary>
    public int MissedProbesLimit { get; set; } = 3;

    /// <summary>Suspecting silos needed to declare one dead (Orleans: 2); a cluster of two needs only one.</summary>
    public int VotesForDeathDeclaration { get; set; } = 2;

    /// <summary>How long a suspicion vote counts (Orleans: 2 min); votes older than this never add up to a death.</summary>
    public TimeSpan DeathVoteExpirationTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often a silo re-reads the membership table, the backstop to gossip (Orleans: 60 s).</summary>
    public TimeSpan TableRefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often a silo writes its heartbeat to the membership table (Orleans: 30 s).</summary>
    public TimeSpan IAmAlivePublishPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Missed heartbeats before a silo's table entry counts as stale (Orleans: 3).</summary>
    public int MissedIAmAliveLimit { get; set; } = 3;
}
