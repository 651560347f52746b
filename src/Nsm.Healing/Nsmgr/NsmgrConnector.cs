using System.IO;
using System.Net;
using System.Net.Sockets;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Opens the byte stream under an NSMgr channel (TCP or a unix socket) and, on its own, one mTLS handshake to learn who
/// the NSMgr is. A TCP socket gives up on a silent NSMgr by itself (keepalive probes, TCP_USER_TIMEOUT): no HTTP/2 PINGs
/// are sent, since a grpc-go NSMgr closes connections that ping more often than every 5 min.
/// </summary>
internal static class NsmgrConnector
{
    // TCP_USER_TIMEOUT (linux/tcp.h): unacknowledged data older than this closes the connection.
    private const int TcpUserTimeout = 18;
    private const int KeepAliveProbes = 3;

    /// <param name="outbox">On a unix socket, the channel's descriptor outbox: the stream passes what is queued there.</param>
    public static async ValueTask<Stream> OpenAsync(
        NsmgrAddress address, DnsEndPoint tcpTarget, TimeSpan deadPeerTimeout, DescriptorOutbox? outbox, CancellationToken cancellationToken)
    {
        var socket = address.UnixSocketPath is null
            ? TcpSocket(deadPeerTimeout)
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            EndPoint target = address.UnixSocketPath is { } path ? new UnixDomainSocketEndPoint(path) : tcpTarget;
            await socket.ConnectAsync(target, cancellationToken).ConfigureAwait(false);
            return outbox is not null ? outbox.Adopt(socket) : new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A handshake made and closed only to learn the NSMgr's certificate; its refusal names the reason.</summary>
    public static async Task<SpiffePeer> ProbeAsync(
        NsmgrAddress address, DnsEndPoint tcpTarget, TimeSpan deadPeerTimeout, X509Svid own, IReadOnlyCollection<string> allowedServers,
        CancellationToken cancellationToken)
    {
        var transport = await OpenAsync(address, tcpTarget, deadPeerTimeout, outbox: null, cancellationToken).ConfigureAwait(false);
        var (stream, peer) = await SpiffeTlsClient.AuthenticateAsync(transport, own, allowedServers, cancellationToken).ConfigureAwait(false);
        await stream.DisposeAsync().ConfigureAwait(false);
        return peer;
    }

    /// <summary>
    /// A TCP socket that gives up on a silent peer within <paramref name="deadPeerTimeout"/>: keepalive probes start after
    /// half of it on an idle connection, three more spread over the rest; data left unacknowledged that long ends it too.
    /// </summary>
    internal static Socket TcpSocket(TimeSpan deadPeerTimeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            var idle = (int)Math.Max(1, deadPeerTimeout.TotalSeconds / 2);
            var interval = (int)Math.Max(1, (deadPeerTimeout.TotalSeconds - idle) / KeepAliveProbes);
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, true);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, idle);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
            socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, KeepAliveProbes);
            if (OperatingSystem.IsLinux())
            {
                socket.SetRawSocketOption((int)SocketOptionLevel.Tcp, TcpUserTimeout, BitConverter.GetBytes((uint)deadPeerTimeout.TotalMilliseconds));
            }

            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
