using System.IO;
using System.Net;
using System.Net.Sockets;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>Opens the byte stream under an NSMgr channel (TCP or a unix socket) and, on its own, one mTLS handshake to learn who the NSMgr is.</summary>
internal static class NsmgrConnector
{
    public static async ValueTask<Stream> OpenAsync(NsmgrAddress address, DnsEndPoint tcpTarget, CancellationToken cancellationToken)
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

    /// <summary>A handshake made and closed only to learn the NSMgr's certificate; its refusal names the reason.</summary>
    public static async Task<SpiffePeer> ProbeAsync(
        NsmgrAddress address, DnsEndPoint tcpTarget, X509Svid own, IReadOnlyCollection<string> allowedServers, CancellationToken cancellationToken)
    {
        var transport = await OpenAsync(address, tcpTarget, cancellationToken).ConfigureAwait(false);
        var (stream, peer) = await SpiffeTlsClient.AuthenticateAsync(transport, own, allowedServers, cancellationToken).ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
        return peer;
    }
}
