using Nsm.Api;

namespace Nsm.Healing;

/// <summary>What a connection grain says about itself: the answer to "get state" and each item of "watch".</summary>
[GenerateSerializer, Immutable, Alias("nsm.ConnectionSnapshot")]
public sealed record ConnectionSnapshot
{
    /// <summary>The connection id: the NSC's path segment id, and the grain's key.</summary>
    [Id(0)] public required string ConnectionId { get; init; }
    /// <summary>Where the connection stands: requesting, up, healing, paused, closed or failed.</summary>
    [Id(1)] public ConnectionPhase Phase { get; init; }

    /// <summary>Why the connection is in this phase, e.g. the failure reason when <see cref="ConnectionPhase.Failed"/>.</summary>
    [Id(2)] public string? Reason { get; init; }
    /// <summary>The NSMgr this connection is requested through, in canonical form.</summary>
    [Id(3)] public string? NsmgrAddress { get; init; }

    /// <summary>The Connection as the NSMgr last returned it; after a reselect it carries the new endpoint and IPs.</summary>
    [Id(4)] public Connection? Connection { get; init; }
    /// <summary>What is known of the data plane: the NSC's last liveness verdict, or unknown once it is stale.</summary>
    [Id(5)] public DataPlaneVerdict DataPlane { get; init; }

    /// <summary>The heal in progress, if any.</summary>
    [Id(6)] public HealRecord? CurrentHeal { get; init; }
    /// <summary>When the next heal attempt is due, while healing.</summary>
    [Id(7)] public DateTimeOffset? NextAttemptAt { get; init; }

    /// <summary>Finished heals, oldest first, bounded.</summary>
    [Id(8)] public IReadOnlyList<HealRecord> History { get; init; } = [];

    /// <summary>When the path tokens are next refreshed, while Up.</summary>
    [Id(9)] public DateTimeOffset? NextRefreshAt { get; init; }

    /// <summary>Reselects that lost their data plane soon after reaching Up, within the policy's loop window.</summary>
    [Id(23)] public int LoopCycles { get; init; }

    /// <summary>In a heal loop: at least the policy's LoopCycles such reselects in its window; reselects back off.</summary>
    [Id(24)] public bool Looping { get; init; }

    /// <summary>What operators did to this connection and why, oldest first, bounded.</summary>
    [Id(25)] public IReadOnlyList<OperatorAction> OperatorActions { get; init; } = [];

    /// <summary>Closed by an operator's forced Close that the NSMgr did not confirm: the NSMgr may still hold it.</summary>
    [Id(26)] public bool CloseForced { get; init; }

    /// <summary>The heal in progress, else the last finished one; null when the connection never healed.</summary>
    public HealRecord? LastHeal => CurrentHeal ?? (History.Count > 0 ? History[^1] : null);
    /// <summary>The network service endpoint the connection reaches now.</summary>
    public string? Endpoint => Connection?.NetworkServiceEndpointName;
}
