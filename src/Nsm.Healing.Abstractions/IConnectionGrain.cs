namespace Nsm.Healing;

/// <summary>
/// One NSM connection, keyed by its connection id. The grain owns the connection on the NSC's behalf:
/// it requests, refreshes, heals and closes it, and persists what it needs to carry on after a host dies.
/// </summary>
[Alias("nsm.IConnectionGrain")]
public interface IConnectionGrain : IGrainWithStringKey
{
    /// <summary>Makes the first Request. Returns once the NSMgr answered; throws with the NSMgr's error otherwise, leaving nothing behind.</summary>
    [Alias("Request")]
    Task<ConnectionSnapshot> Request(ConnectionRequest request);

    /// <summary>Takes over a connection the NSC already holds.</summary>
    [Alias("Adopt")]
    Task<ConnectionSnapshot> Adopt(AdoptRequest request);

    /// <summary>Closes the connection at the NSMgr. Wins over a heal in progress; no heal runs afterwards.</summary>
    [Alias("Close")]
    Task Close();

    /// <summary>Like <see cref="Close"/>, recording that an operator closed it rather than the NSC.</summary>
    [Alias("CloseByOperator")]
    Task CloseByOperator();

    /// <summary>What the grain holds now: phase, connection, heal in progress and history. Never makes an NSMgr call.</summary>
    [Alias("GetState")]
    Task<ConnectionSnapshot> GetState();

    /// <summary>
    /// The current snapshot, then one per change (new Connection after a heal, phase changes), until the connection
    /// closes. When the silo holding the connection stops, the stream ends early on a snapshot that is not Closed:
    /// the connection lives on elsewhere, so watch again.
    /// </summary>
    [Alias("Watch")]
    IAsyncEnumerable<ConnectionSnapshot> Watch(CancellationToken cancellationToken = default);

    /// <summary>
    /// The NSC's liveness verdict on the data plane. A Down reselects. <paramref name="checkedConnection"/> is the
    /// Connection the check ran against: a verdict about a connection a heal already replaced is ignored.
    /// </summary>
    [Alias("ReportDataPlane")]
    Task ReportDataPlane(DataPlaneVerdict verdict, Nsm.Api.Connection? checkedConnection = null);

    /// <summary>Operator: heal now (restore, or reselect when the data plane is known down), resetting the backoff.</summary>
    [Alias("HealNow")]
    Task HealNow();

    /// <summary>Operator: reselect now (a new endpoint, the old connection closed first), resetting the backoff.</summary>
    [Alias("ReselectNow")]
    Task ReselectNow();

    /// <summary>
    /// Operator: heal now (<paramref name="reselect"/>: reselect, whatever the data plane's state and past any heal-loop
    /// backoff), recording <paramref name="reason"/> in the connection's operator history.
    /// </summary>
    [Alias("HealByOperator")]
    Task HealByOperator(bool reselect, string reason);

    /// <summary>
    /// Operator: close, recording <paramref name="reason"/>. <paramref name="force"/>: end Closed even when the NSMgr does
    /// not confirm the Close (the record says it was forced), instead of retrying until our token expires.
    /// </summary>
    [Alias("CloseByOperatorWithReason")]
    Task CloseByOperator(string reason, bool force);

    /// <summary>Operator: stop acting on triggers until resumed.</summary>
    [Alias("Pause")]
    Task Pause(string reason);

    /// <summary>Operator: act on triggers again; a trigger that arrived while paused is acted on now.</summary>
    [Alias("Resume")]
    Task Resume();
}
