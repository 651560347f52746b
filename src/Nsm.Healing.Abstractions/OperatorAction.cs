namespace Nsm.Healing;

/// <summary>What an operator did to one connection, and why: kept in a bounded per-connection history.</summary>
[GenerateSerializer, Immutable, Alias("nsm.OperatorAction")]
public sealed record OperatorAction
{
    /// <summary>When the operator asked.</summary>
    [Id(0)] public required DateTimeOffset At { get; init; }

    /// <summary>What the operator asked for.</summary>
    [Id(1)] public required OperatorActionKind Kind { get; init; }

    /// <summary>What the operator gave as the reason (<c>--reason</c>).</summary>
    [Id(2)] public required string Reason { get; init; }

    /// <summary>What came of it when that is known at once, e.g. that the NSMgr did not confirm a forced Close.</summary>
    [Id(3)] public string? Outcome { get; init; }
}

/// <summary>The operator actions a connection records.</summary>
public enum OperatorActionKind
{
    /// <summary>Heal now (restore, or reselect when the data plane is known down).</summary>
    Heal = 0,

    /// <summary>Reselect now, whatever the data plane's state and past any heal-loop backoff.</summary>
    Reselect = 1,

    /// <summary>Close at the NSMgr; retried while our token is valid, like the NSC's Close.</summary>
    Close = 2,

    /// <summary>Close, and end Closed even when the NSMgr does not confirm it (the record says so).</summary>
    ForceClose = 3,
}
