using System.IO;
using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Builds the channel to one NSMgr. A real NSMgr is a grpc-go server with the default keepalive enforcement: a client
/// PING sooner than 5 min after the previous one, on a stream the server is quiet on, is a strike, and the third earns
/// GOAWAY ENHANCE_YOUR_CALM "too_many_pings" — on a quiet monitor stream that would be every ~30 s with 10 s pings.
/// So no HTTP/2 keepalive PINGs are sent; a dead NSMgr is noticed by the transport instead (docs/monitoring.md):
/// TCP keepalive probes and TCP_USER_TIMEOUT over TCP, end of file on a unix socket whose NSMgr process died.
/// </summary>
internal static class NsmgrChannelFactory
{
    // TCP_USER_TIMEOUT (linux/tcp.h): unacknowledged data older than this closes the connection.
    private const int TcpUserTimeout = 18;
    private const int KeepAliveProbes = 3;

    public static GrpcChannel Create(NsmgrAddress address, NsmgrClientOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.DialTimeout,
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = Timeout.InfiniteTimeSpan,
            // An HTTP/2 connection with no call or stream on it for this long is closed; the pool closes the channel.
            PooledConnectionIdleTimeout = options.IdleChannelTimeout,
        };

        if (address.HttpUri.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = NsmgrTls.ClientAuthentication(options.Tls);
        }

        handler.ConnectCallback = address.UnixSocketPath is { } socketPath
            ? (_, cancellationToken) => ConnectAsync(new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(socketPath), cancellationToken)
            : (context, cancellationToken) => ConnectAsync(TcpSocket(options.DeadPeerTimeout), context.DnsEndPoint, cancellationToken);

        return GrpcChannel.ForAddress(address.HttpUri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
        });
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

    private static async ValueTask<Stream> ConnectAsync(Socket socket, EndPoint endPoint, CancellationToken cancellationToken)
    {
        try
        {
            await socket.ConnectAsync(endPoint, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
