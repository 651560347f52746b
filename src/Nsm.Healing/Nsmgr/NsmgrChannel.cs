using System.IO;
using Grpc.Net.Client;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>A gRPC channel to one NSMgr and what its connections learnt about the NSMgr's identity.</summary>
public sealed class NsmgrChannel(GrpcChannel channel, NsmgrPeers peers, Func<CancellationToken, ValueTask<Stream>> connect) : IDisposable
{
    public GrpcChannel Channel => channel;

    public NsmgrPeers Peers => peers;

    /// <summary>
    /// The NSMgr's certificate and SPIFFE ID. Before the channel's first connection, one handshake is made (and closed)
    /// to learn them: a token's <c>aud</c> must name the NSMgr before the call's headers go out.
    /// </summary>
    public async Task<SpiffePeerStream> PeerAsync(CancellationToken cancellationToken)
    {
        if (peers.Latest is { } known)
        {
            return known;
        }

        await (await connect(cancellationToken).ConfigureAwait(false)).DisposeAsync().ConfigureAwait(false);
        return peers.Latest ?? throw new InvalidOperationException("the handshake named no NSMgr identity");
    }

    public void Dispose() => channel.Dispose();
}
