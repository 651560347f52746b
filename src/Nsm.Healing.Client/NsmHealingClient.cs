using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>
/// What an NSC uses to hand its NSM connections to the healing cluster. Every call goes to the connection's grain,
/// keyed by the connection id. Bad arguments throw here, naming the argument, before anything reaches the cluster.
/// </summary>
/// <remarks>
/// The grain contract takes no cancellation token (except Watch), so cancelling a call only stops waiting for its answer:
/// a call the grain has received still runs. After a cancelled <see cref="RequestAsync"/>, call <see cref="CloseAsync"/>.
/// </remarks>
public sealed class NsmHealingClient
{
    private readonly IGrainFactory _grainFactory;

    /// <param name="grainFactory">The Orleans client (<see cref="IClusterClient"/>) or any other grain factory.</param>
    public NsmHealingClient(IGrainFactory grainFactory)
    {
        ArgumentNullException.ThrowIfNull(grainFactory);
        _grainFactory = grainFactory;
    }

    /// <summary>
    /// Makes the first Request through the connection's grain, which then refreshes and heals the connection. A KERNEL
    /// mechanism states this process's network namespace (see <see cref="OwnNamespace"/>).
    /// </summary>
    /// <returns>The grain's snapshot once the NSMgr answered; throws with the NSMgr's error otherwise.</returns>
    public Task<ConnectionSnapshot> RequestAsync(ConnectionRequest request, CancellationToken cancellationToken = default)
    {
        ConnectionArguments.Validate(request);
        var stated = OwnNode.Stated(OwnNamespace.Stated(request));
        return OwnNode.Placed(stated, () => Grain(stated.Request.Connection.Id).Request(stated)).WaitAsync(cancellationToken);
    }

    /// <summary>Hands a connection the NSC already established to its grain.</summary>
    public Task<ConnectionSnapshot> AdoptAsync(AdoptRequest request, CancellationToken cancellationToken = default)
    {
        ConnectionArguments.Validate(request);
        return Grain(request.Connection.Id).Adopt(request).WaitAsync(cancellationToken);
    }

    /// <summary>Closes the connection at the NSMgr; no heal runs afterwards.</summary>
    public Task CloseAsync(string connectionId, CancellationToken cancellationToken = default) =>
        Grain(connectionId).Close().WaitAsync(cancellationToken);

    /// <summary>The grain's current snapshot: phase, Connection, data-plane verdict and heal history.</summary>
    public Task<ConnectionSnapshot> GetAsync(string connectionId, CancellationToken cancellationToken = default) =>
        Grain(connectionId).GetState().WaitAsync(cancellationToken);

    /// <summary>The current snapshot, then one per change (e.g. a new Connection after a heal), until the connection closes.</summary>
    public IAsyncEnumerable<ConnectionSnapshot> WatchAsync(string connectionId, CancellationToken cancellationToken = default) =>
        Grain(connectionId).Watch(cancellationToken);

    /// <summary>
    /// Tells the grain what the NSC's liveness check says about the data plane. Down makes the grain reselect.
    /// Pass the Connection the check ran against, so a verdict about a connection a heal already replaced is ignored.
    /// </summary>
    public Task ReportDataPlaneAsync(string connectionId, DataPlaneVerdict verdict, Connection? checkedConnection = null, CancellationToken cancellationToken = default)
    {
        ConnectionArguments.Validate(verdict);
        return Grain(connectionId).ReportDataPlane(verdict, checkedConnection).WaitAsync(cancellationToken);
    }

    private IConnectionGrain Grain(string connectionId)
    {
        ConnectionArguments.ValidateId(connectionId);
        return _grainFactory.GetGrain<IConnectionGrain>(connectionId);
    }
}
