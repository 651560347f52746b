using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Opens the byte stream under an NSMgr channel: TCP or a unix socket, then (with an identity) mTLS done here rather
/// than by the HTTP handler, so TCP and unix share one path and the NSMgr's certificate is known, for the token's
/// <c>aud</c>, before any call's headers are written. gRPC then speaks h2 with prior knowledge over the TLS stream.
/// </summary>
internal static class NsmgrConnector
{
    /// <param name="svid">The SVID to present: fixed for a token-carrying channel, the current one for monitor streams.</param>
    public static async ValueTask<Stream> ConnectAsync(
        NsmgrAddress address, DnsEndPoint tcpTarget, Func<X509Svid>? svid, IReadOnlyCollection<string> allowedServers, NsmgrPeers peers,
        CancellationToken cancellationToken)
    {
        var transport = await OpenTransportAsync(address, tcpTarget, cancellationToken).ConfigureAwait(false);
        if (svid is null)
        {
            return transport;
        }

        X509Svid own;
        try
        {
            own = svid();
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var peer = await SpiffeTlsClient.AuthenticateAsync(transport, own, allowedServers, cancellationToken).ConfigureAwait(false);
        peers.Remember(peer);
        return peer.Stream;
    }

    private static async ValueTask<Stream> OpenTransportAsync(NsmgrAddress address, DnsEndPoint tcpTarget, CancellationToken cancellationToken)
    {
        var socket = address.UnixSocketPath is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            EndPoint target = address.UnixSocketPath is { } path ? new UnixDomainSocketEndPoint(path) : tcpTarget;
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
