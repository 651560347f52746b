using Grpc.Net.Client;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>A gRPC channel to one NSMgr and what its connections learnt about the NSMgr's identity.</summary>
public sealed class NsmgrChannel(GrpcChannel channel, NsmgrPeers peers, Func<CancellationToken, Task<SpiffePeer>> probe) : IDisposable
{
    public GrpcChannel Channel => channel;

    public NsmgrPeers Peers => peers;

    /// <summary>
    /// The NSMgr's certificate and SPIFFE ID. Before the channel's first connection, one handshake is made (and closed)
    /// to learn them: a token's <c>aud</c> must name the NSMgr before the call's headers go out.
    /// </summary>
    public async Task<SpiffePeer> PeerAsync(CancellationToken cancellationToken)
    {
        if (peers.Latest is { } known)
        {
            return known;
        }

        var learnt = await probe(cancellationToken).ConfigureAwait(false);
        peers.Remember(learnt);
        return learnt;
    }

    public void Dispose() => channel.Dispose();
}
