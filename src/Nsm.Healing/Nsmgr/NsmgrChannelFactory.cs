using System.Net;
using System.Net.Http;
using Grpc.Net.Client;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Builds the channel to one NSMgr. With an SVID every address is mTLS (NSM writes tcp:// and unix:// for what is TLS on
/// the wire), validated against the trust bundle. A real NSMgr is a grpc-go server with the default keepalive enforcement
/// (a client PING sooner than 5 min after the previous one on a quiet stream is a strike; the third earns GOAWAY
/// ENHANCE_YOUR_CALM "too_many_pings"), so no HTTP/2 keepalive PINGs are sent; a dead NSMgr is noticed by the transport
/// instead (docs/monitoring.md): TCP keepalive probes and TCP_USER_TIMEOUT over TCP, end of file on a unix socket.
/// </summary>
internal static class NsmgrChannelFactory
{
    /// <param name="svid">The SVID each new connection presents; null for plaintext (identity off).</param>
    public static NsmgrChannel Create(NsmgrAddress address, NsmgrClientOptions options, Func<X509Svid>? svid, IReadOnlyCollection<string> allowedServers)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.DialTimeout,
            EnableMultipleHttp2Connections = true,
            KeepAlivePingDelay = Timeout.InfiniteTimeSpan,
            // An HTTP/2 connection with no call or stream on it for this long is closed; the pool closes the channel.
            PooledConnectionIdleTimeout = options.IdleChannelTimeout,
        };

        var uri = svid is not null ? new UriBuilder(address.HttpUri) { Scheme = Uri.UriSchemeHttps }.Uri : address.HttpUri;
        var peers = new NsmgrPeers();
        var target = new DnsEndPoint(uri.Host, uri.Port);
        if (svid is not null)
        {
            handler.SslOptions = SpiffeTlsClient.Options(svid, allowedServers, peers.Remember, peers.Refused);
        }

        // On a unix socket the raw stream carries descriptors (SCM_RIGHTS) below the TLS, as upstream's grpcfd does.
        var outbox = address.UnixSocketPath is null ? null : new DescriptorOutbox();
        handler.ConnectCallback = (_, cancellationToken) => NsmgrConnector.OpenAsync(address, target, options.DeadPeerTimeout, outbox, cancellationToken);
        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.MaxReceiveMessageBytes,
        });
        return new NsmgrChannel(channel, peers, cancellationToken => svid is null
            ? throw new InvalidOperationException("a plaintext channel has no NSMgr identity")
            : NsmgrConnector.ProbeAsync(address, target, options.DeadPeerTimeout, svid(), allowedServers, cancellationToken), outbox);
    }
}
