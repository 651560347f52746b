using Grpc.Net.Client;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>A gRPC channel to one NSMgr, what its connections learnt about the NSMgr's identity, and (on a unix socket) its descriptor outbox.</summary>
public sealed class NsmgrChannel(
    GrpcChannel channel, NsmgrPeers peers, Func<CancellationToken, Task<SpiffePeer>> probe, DescriptorOutbox? outbox = null) : IDisposable
{
    private readonly Lock _gate = new();
    private Task<SpiffePeer>? _probe;

    public GrpcChannel Channel => channel;

    public NsmgrPeers Peers => peers;

    /// <summary>Where a call queues the descriptors it passes; null unless the NSMgr is on a unix socket.</summary>
    public DescriptorOutbox? Outbox => outbox;

    /// <summary>
    /// The NSMgr's certificate and SPIFFE ID. Before the channel's first connection, one handshake is made (and closed)
    /// to learn them: a token's <c>aud</c> must name the NSMgr before the call's headers go out. Callers share one
    /// handshake (a heal storm on a new channel must not open one per connection), bounded by the call's own timeout:
    /// the handshake is part of the first call, as it would be inside the HTTP handler. Once the certificate learnt has
    /// expired (a token is never valid past it), the NSMgr is asked again: it may have renewed it, or is refused by name.
    /// </summary>
    public async Task<SpiffePeer> PeerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        // Certificate validity is wall-clock time by nature, whatever clock the connections run on.
        if (peers.LatestValid(DateTime.UtcNow) is { } known)
        {
            return known;
        }

        Task<SpiffePeer> probing;
        lock (_gate)
        {
            if (_probe is null || _probe.IsFaulted || _probe.IsCanceled || (_probe.IsCompletedSuccessfully && peers.LatestValid(DateTime.UtcNow) is null))
            {
                _probe = ProbeAsync(timeout);
            }

            probing = _probe;
        }

        return await probing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Asks the NSMgr for its certificate now, with a handshake of its own, whatever was learnt: it may have renewed its
    /// SVID since our connections to it opened, and signs with the new key over them.
    /// </summary>
    public async Task<SpiffePeer> RelearnPeerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task<SpiffePeer> probing;
        lock (_gate)
        {
            if (_probe is null || _probe.IsCompleted)
            {
                _probe = ProbeAsync(timeout);
            }

            probing = _probe;
        }

        return await probing.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SpiffePeer> ProbeAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            var learnt = await probe(timeout.Token).ConfigureAwait(false);
            peers.Remember(learnt);
            return learnt;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"no TLS handshake with the NSMgr within the call's timeout ({limit})");
        }
    }

    public void Dispose() => channel.Dispose();
}
