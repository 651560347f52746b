using Nsm.Api;

namespace Nsm.Healing.Connections;

/// <summary>
/// What a connection grain persists: everything needed to carry on healing on another silo after this one dies.
/// The liveness verdict is deliberately not here: it is fresh evidence or nothing.
/// </summary>
[GenerateSerializer, Alias("nsm.ConnectionState")]
public sealed class ConnectionState
{
    [Id(0)] public ConnectionPhase Phase { get; set; }
    [Id(1)] public string? Reason { get; set; }
    [Id(2)] public string? NsmgrAddress { get; set; }

    /// <summary>
    /// The request that last succeeded, carrying the Connection the NSMgr returned: what a restore re-sends. Held packed
    /// (see <see cref="PackedRequest"/>); <see cref="LastGoodRequest"/> and <see cref="Connection"/> unpack a copy.
    /// </summary>
    [Id(3)] public PackedRequest? PackedLastGoodRequest { get; set; }
    [Id(4)] public HealPolicy Policy { get; set; } = HealPolicy.Default;

    /// <summary>The heal in progress (also kept while paused mid-heal).</summary>
    [Id(5)] public HealRecord? CurrentHeal { get; set; }

    /// <summary>Restores of the current heal that the NSMgr answered with an error, and since when.</summary>
    [Id(6)] public int RejectedRestores { get; set; }
    [Id(7)] public DateTimeOffset? FirstRestoreRejectionAt { get; set; }

    /// <summary>A reselect closes the old connection once, before its first Request.</summary>
    [Id(8)] public bool OldConnectionClosed { get; set; }
    [Id(9)] public DateTimeOffset? NextAttemptAt { get; set; }
    [Id(10)] public DateTimeOffset? RefreshDueAt { get; set; }
    [Id(11)] public List<HealRecord> History { get; set; } = [];

    /// <summary>The last heal-worthy trigger that arrived while paused, acted on at resume.</summary>
    [Id(12)] public HealTrigger? TriggerWhilePaused { get; set; }

    /// <summary>
    /// When the NSMgr call of a heal attempt began, until the attempt ends. Written before the call: a claim that
    /// another activation of this connection must wait out (see HealAttempt).
    /// </summary>
    [Id(13)] public DateTimeOffset? AttemptStartedAt { get; set; }

    /// <summary>The silo that made that claim: an attempt of a silo that is gone is over, whatever its lease says.</summary>
    [Id(14)] public string? AttemptSilo { get; set; }

    /// <summary>
    /// When the token we sent with the last Request the NSMgr accepted expires: the NSMgr holds the connection until then
    /// and times it out after, so refreshes come before it and a Close after it is too late (see <see cref="TokenWindow"/>).
    /// </summary>
    [Id(15)] public DateTimeOffset? TokenExpiresAt { get; set; }

    /// <summary>Closes sent for the connection's final Close that the NSMgr has not confirmed.</summary>
    [Id(16)] public int UnconfirmedCloses { get; set; }

    /// <summary>Until when an unconfirmed Close is retried (see <see cref="TokenWindow.CloseDeadline"/>); after it, Abandoned.</summary>
    [Id(17)] public DateTimeOffset? CloseDeadline { get; set; }
    /// <summary>The node whose silo alone serves this connection (the NSC's node); null: any silo.</summary>
    [Id(18)] public string? NodeName { get; set; }

    /// <summary>When each recent heal-loop cycle was seen: a reselect that lost its data plane soon after reaching Up
    /// (see ConnectionMachine.HealLoop). Only those inside the policy's loop window are kept.</summary>
    [Id(23)] public List<DateTimeOffset> LoopCycles { get; set; } = [];

    /// <summary>What the connection ends as once its final Close is done: Failed for a heal that gave up; null: Closed.</summary>
    [Id(24)] public ConnectionPhase? EndsAs { get; set; }

    /// <summary>What operators did to this connection and why, oldest first, bounded.</summary>
    [Id(25)] public List<OperatorAction> OperatorActions { get; set; } = [];

    /// <summary>Closed by an operator's forced Close that the NSMgr did not confirm: the NSMgr may still hold it.</summary>
    [Id(26)] public bool CloseForced { get; set; }

    /// <summary>
    /// The NSMgr (or one further along the path) may have restarted and forgotten the connection since it last answered
    /// a Request for it: the control plane was lost, the connection went missing from a snapshot, or a heal chose a
    /// restore. A Close sent then may pass nothing on, so a restore re-teaches the path first. Cleared by any answer.
    /// </summary>
    [Id(27)] public bool NsmgrMayHaveForgotten { get; set; }

    /// <summary>
    /// The NSC checks this connection's data plane and reports it (a liveness reporter runs): it will say so when the vWire
    /// dies. Stored so that an activation after a failover does not take its own lost memory for an unknown data plane.
    /// </summary>
    [Id(28)] public bool NscChecksDataPlane { get; set; }

    /// <summary>When the NSMgr last answered a Request for it (the answering silo's clock): a monitor stream open without
    /// a break since before then says the NSMgr has not restarted since, and so still knows the connection.</summary>
    [Id(29)] public DateTimeOffset? NsmgrAnsweredAt { get; set; }

    /// <summary>A fresh copy on every get: change it and set it back to keep a change.</summary>
    public NetworkServiceRequest? LastGoodRequest
    {
        get => PackedLastGoodRequest?.Unpack();
        set => PackedLastGoodRequest = value is null ? null : PackedRequest.Pack(value);
    }

    /// <summary>A fresh copy of the current Connection on every get.</summary>
    public Connection? Connection => LastGoodRequest?.Connection;

    /// <summary>A copy that shares nothing mutable with this one: what a write stores, and what a failed write rolls back to.</summary>
    public ConnectionState Copy()
    {
        var copy = (ConnectionState)MemberwiseClone();
        copy.History = [.. History];
        copy.LoopCycles = [.. LoopCycles];
        copy.OperatorActions = [.. OperatorActions];
        return copy;
    }
}
