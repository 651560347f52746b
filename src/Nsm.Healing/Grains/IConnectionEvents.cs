using Orleans.Concurrency;

namespace Nsm.Healing.Grains;

/// <summary>
/// The silo-side face of a connection grain: what monitor workers tell it. Kept apart from
/// <see cref="IConnectionGrain"/> so the NSC-facing contract stays small. A monitor worker tells thousands of connections
/// at once and never waits behind a heal in flight: each message is one-way, or acknowledged on receipt (the grain
/// takes it in and answers at once) where a lost message would leave a connection believing the wrong thing about its
/// NSMgr; each grain takes its messages in order.
/// </summary>
[Alias("nsm.IConnectionEvents")]
public interface IConnectionEvents : IGrainWithStringKey
{
    [OneWay, Alias("OnMonitorEvent")]
    Task OnMonitorEvent(MonitorEvent monitorEvent);

    /// <summary>The monitor stream to this connection's NSMgr broke: control plane down. Acknowledged on receipt.</summary>
    [Alias("OnControlPlaneLost")]
    Task OnControlPlaneLost(string reason);

    /// <summary>
    /// The NSMgr's snapshot, taken about <paramref name="snapshotAt"/>, does not hold this connection: it is gone from
    /// the control plane. Ignored when the connection was (re)established after that snapshot was taken. Acknowledged on receipt.
    /// </summary>
    [Alias("OnMissingAtNsmgr")]
    Task OnMissingAtNsmgr(DateTimeOffset snapshotAt);

    /// <summary>The NSMgr answers again: retry now instead of waiting out the backoff. Acknowledged on receipt.</summary>
    [Alias("OnControlPlaneRestored")]
    Task OnControlPlaneRestored();

    /// <summary>
    /// Nothing to do but be active: a connection whose silo died comes back (on a live silo) and resumes its
    /// refresh timer. Sent to every registered connection when cluster membership changes.
    /// </summary>
    [OneWay, Alias("Wake")]
    Task Wake();

    /// <summary>The NSMgr's heal admission has a permit for this connection's queued heal: attempt now.</summary>
    [OneWay, Alias("OnHealAdmitted")]
    Task OnHealAdmitted();

    /// <summary>No process lives in the NSC's network namespace any more: the NSC is gone; close, no heal.</summary>
    [OneWay, Alias("OnNscNamespaceGone")]
    Task OnNscNamespaceGone(string reason);

    /// <summary>
    /// The orphan audit: the NSMgr's snapshot shows <paramref name="seen"/>, ours, under this id, and no registration there
    /// owns it. The grain closes it unless it owns it; awaited, so the audit counts what came of it.
    /// </summary>
    [Alias("AuditOrphan")]
    Task<Connections.OrphanVerdict> AuditOrphan(string nsmgrAddress, Nsm.Api.Connection seen);
}
