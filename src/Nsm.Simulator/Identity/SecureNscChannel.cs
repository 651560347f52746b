using System.IO;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Nsm.Identity;

namespace Nsm.Simulator.Identity;

/// <summary>
/// An NSC's channel to one simulated NSMgr, for tests and benchmarks: with security on, mTLS with an SVID and a freshly
/// signed token on every call, as an upstream NSC sends them; otherwise plain h2c. The NSMgr's certificate is learnt by
/// one handshake before the first call, since the token's aud must name it.
/// </summary>
public sealed class SecureNscChannel : IDisposable
{
    /// <summary>What an NSC sends as nsm-client-token and its expiry, given its SVID and the NSMgr it talks to.</summary>
    public delegate (string Token, DateTimeOffset Expires) TokenFactory(X509Svid own, SpiffePeer nsmgr);

    private readonly GrpcChannel _channel;
    private readonly string? _unixSocket;
    private readonly DnsEndPoint _target;
    private SpiffePeer? _nsmgr;

    private SecureNscChannel(GrpcChannel channel, string? unixSocket, DnsEndPoint target, X509Svid? svid, TokenFactory token)
    {
        _channel = channel;
        _unixSocket = unixSocket;
        _target = target;
        Svid = svid;
        CallInvoker = svid is null ? channel.CreateCallInvoker() : channel.Intercept(metadata => AddToken(metadata, token));
    }

    public CallInvoker CallInvoker { get; }

    /// <summary>The SVID this NSC presents; null on a plaintext channel.</summary>
    public X509Svid? Svid { get; }

    /// <summary>The NSMgr's certificate and SPIFFE ID, learnt by a handshake of its own before the first call.</summary>
    public SpiffePeer Nsmgr => _nsmgr ??= Probe();

    /// <summary>The token an upstream NSC signs: sub = itself, aud = [the NSMgr], exp capped as NSM does.</summary>
    public static (string Token, DateTimeOffset Expires) UpstreamToken(X509Svid own, SpiffePeer nsmgr)
    {
        var expires = NsmTokens.Expiry(TimeProvider.System.GetUtcNow(), TimeSpan.FromMinutes(10), own, nsmgr.Certificate);
        return (NsmTokens.Sign(own, nsmgr.Id, expires), expires);
    }

    /// <param name="address">The NSMgr's address as the simulator prints it (https:// when secure, http:// when not).</param>
    /// <param name="svid">The NSC's SVID; by default a fresh one of the development trust domain, named /nsc.</param>
    /// <param name="unixSocket">Dial this socket instead of the address's host and port.</param>
    /// <param name="token">The token to send; by default <see cref="UpstreamToken"/>. Hostile tests send others.</param>
    /// <param name="secure">With a unix socket, whether the NSMgr behind it speaks mTLS (TCP addresses say it by their scheme).</param>
    /// <param name="keepAlivePing">Send HTTP/2 PINGs this often while a call is open (keepalive tests); none by default.</param>
    public static SecureNscChannel Create(
        string address, X509Svid? svid = null, string? unixSocket = null, TokenFactory? token = null, bool secure = true, TimeSpan? keepAlivePing = null)
    {
        var uri = new Uri(address);
        var tls = unixSocket is null ? uri.Scheme == Uri.UriSchemeHttps : secure;
        var target = new DnsEndPoint(uri.Host, uri.Port);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (keepAlivePing is { } every)
        {
            handler.KeepAlivePingDelay = every;
            handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            handler.KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests;
        }
        if (unixSocket is not null)
        {
            handler.ConnectCallback = (_, cancellationToken) => OpenAsync(unixSocket, target, cancellationToken);
        }

        var own = tls ? svid ?? DevelopmentTrust.Authority.Issue(DevelopmentTrust.Authority.IdOf("/nsc"), TimeSpan.FromHours(1)) : null;
        SecureNscChannel? created = null;
        if (own is not null)
        {
            handler.SslOptions = SpiffeTlsClient.Options(() => own, allowedServers: null, peer => created!._nsmgr = peer);
        }

        var channelUri = new UriBuilder(uri) { Scheme = tls ? Uri.UriSchemeHttps : Uri.UriSchemeHttp }.Uri;
        var channel = GrpcChannel.ForAddress(channelUri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            // A snapshot of 10k connections is ~5 MB, over gRPC's 4 MB default.
            MaxReceiveMessageSize = null,
        });
        created = new SecureNscChannel(channel, unixSocket, target, own, token ?? UpstreamToken);
        return created;
    }

    public void Dispose() => _channel.Dispose();

    private Metadata AddToken(Metadata metadata, TokenFactory token)
    {
        var (value, expires) = token(Svid!, Nsmgr);
        metadata.Add(NsmTokens.TokenHeader, value);
        metadata.Add(NsmTokens.ExpiresHeader, NsmTokens.FormatExpiry(expires));
        return metadata;
    }

    // Test and benchmark plumbing: one blocking handshake per channel, before its first call.
    private SpiffePeer Probe()
    {
        var transport = OpenAsync(_unixSocket, _target, CancellationToken.None).AsTask().GetAwaiter().GetResult();
        var (stream, peer) = SpiffeTlsClient.AuthenticateAsync(transport, Svid!, allowedServers: null, CancellationToken.None).GetAwaiter().GetResult();
        stream.Dispose();
        return peer;
    }

    private static async ValueTask<Stream> OpenAsync(string? unixSocket, DnsEndPoint tcp, CancellationToken cancellationToken)
    {
        var socket = unixSocket is null
            ? new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(unixSocket is null ? tcp : new UnixDomainSocketEndPoint(unixSocket), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
