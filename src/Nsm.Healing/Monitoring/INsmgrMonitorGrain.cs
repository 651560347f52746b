using Orleans.Concurrency;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// The owner record of one NSMgr's monitor stream, keyed by the NSMgr address. Orleans' single activation
/// makes it the one place in the cluster that runs the stream; its epoch fences a loop left behind by an
/// older activation. It also holds the connections registered behind that NSMgr.
/// </summary>
[Alias("nsm.INsmgrMonitorGrain")]
public interface INsmgrMonitorGrain : IGrainWithStringKey
{
    [Alias("Register")]
    Task Register(string connectionId);

    [Alias("Unregister")]
    Task Unregister(string connectionId);

    /// <summary>Activates the grain (here or on another silo) and makes sure its stream runs. Idempotent.</summary>
    [Alias("EnsureRunning")]
    Task EnsureRunning();

    /// <summary>
    /// After a silo died: wakes every registered connection so the ones that lived there resume refreshing. Once per
    /// <paramref name="membershipVersion"/>, however many silos ask.
    /// </summary>
    [OneWay, Alias("WakeConnections")]
    Task WakeConnections(long membershipVersion);

    [Alias("GetStatus")]
    Task<MonitorStatus> GetStatus();

    /// <summary>
    /// Since when (this silo's clock) the stream to the NSMgr has been open without a break; null when it is not open.
    /// Answered at once, between other calls: a connection asks before a reselect's Close.
    /// </summary>
    [AlwaysInterleave, Alias("StreamOpenSince")]
    Task<DateTimeOffset?> StreamOpenSince();

    /// <summary>The connection ids registered behind this NSMgr, for operators (list, pause all of an NSMgr).</summary>
    [Alias("GetConnectionIds")]
    Task<IReadOnlyList<string>> GetConnectionIds();

    /// <summary>From this grain's own stream loop. False tells a stale loop (older epoch) to stop.</summary>
    [Alias("OnStreamEvents")]
    Task<bool> OnStreamEvents(long epoch, IReadOnlyList<StreamObservation> observations);

    /// <summary>From the loop: the NSMgr's INITIAL_STATE_TRANSFER, for a level-triggered reconcile.</summary>
    [Alias("OnStreamSnapshot")]
    Task<bool> OnStreamSnapshot(long epoch, IReadOnlyList<StreamObservation> snapshot, bool afterLoss, DateTimeOffset receivedAt);

    /// <summary>From the loop: the stream broke — control plane down for every connection behind this NSMgr.</summary>
    [Alias("OnStreamLost")]
    Task<bool> OnStreamLost(long epoch, string reason);
}
