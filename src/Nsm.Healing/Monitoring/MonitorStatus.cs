namespace Nsm.Healing.Monitoring;

/// <summary>One NSMgr's monitor as an operator (or a test) sees it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.MonitorStatus")]
public sealed record MonitorStatus
{
    [Id(0)] public required string NsmgrAddress { get; init; }
    [Id(1)] public long Epoch { get; init; }

    /// <summary>The silo running the stream now.</summary>
    [Id(2)] public string? Silo { get; init; }
    [Id(3)] public int RegisteredConnections { get; init; }
    [Id(4)] public bool StreamConnected { get; init; }
    [Id(5)] public long EventsDelivered { get; init; }

    /// <summary>Actionable events that matched no registered connection (unknown ids, empty paths).</summary>
    [Id(6)] public long EventsUnmatched { get; init; }

    /// <summary>Events skipped because they repeat what the connection was already told.</summary>
    [Id(7)] public long EventsUnchanged { get; init; }
    [Id(8)] public long StreamLosses { get; init; }
    [Id(9)] public long Snapshots { get; init; }

    /// <summary>Membership changes this activation woke the registered connections for.</summary>
    [Id(10)] public long WakeBroadcasts { get; init; }

    /// <summary>The connections were told the stream is lost, and no snapshot has come since to say the NSMgr is back.</summary>
    [Id(11)] public bool LossOutstanding { get; init; }

    /// <summary>Orphan audits of this NSMgr's snapshots run by this activation.</summary>
    [Id(12)] public long OrphanAudits { get; init; }

    /// <summary>Orphans (ours at the NSMgr, owned by no grain or owned as closed) closed by this activation's audits.</summary>
    [Id(13)] public long OrphansClosed { get; init; }

    /// <summary>What the last audit saw and did; null before the first.</summary>
    [Id(14)] public OrphanAuditResult? LastOrphanAudit { get; init; }
}
