using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;
using Nsm.Healing.Identity;
using Nsm.Identity;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Channels to NSMgrs, shared by the whole silo: thousands of connection grains behind one NSMgr share its HTTP/2
/// connections instead of dialing each their own. With an identity, every connection is mTLS with an SVID; a call
/// carrying a token goes on a channel whose connections present the very SVID that signed it (the NSMgr checks the
/// token against the TLS certificate), so a rotated SVID gets new channels and the old ones are retired after a grace.
/// </summary>
public sealed class NsmgrChannelPool(
    IOptions<NsmgrClientOptions> options, IX509SvidSource identity, IOptions<IdentityOptions> identityOptions, TimeProvider time) : IDisposable
{
    /// <summary>Calls still running on a retired channel finish within this; it is longer than any sane request timeout.</summary>
    private static readonly TimeSpan RetiredChannelGrace = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Lazy<NsmgrChannel>> _channels = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string? Key, DateTimeOffset NotAfter)> _tokenChannelOf = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, DateTimeOffset RetiredAt)> _retired = new();

    /// <summary>False when identity is off (Nsm:Identity:Source=None): plaintext and no tokens.</summary>
    public bool Secure => identity is not PlaintextIdentity;

    /// <summary>The channel for monitor streams: each new connection presents the SVID current at the time.</summary>
    public GrpcChannel Get(string nsmgrAddress) => Entry(nsmgrAddress, nsmgrAddress, Secure ? () => identity.Current : null).Channel;

    /// <summary>The channel whose connections present <paramref name="svid"/>, for calls whose token it signs.</summary>
    public NsmgrChannel GetFor(string nsmgrAddress, X509Svid svid)
    {
        var key = $"{nsmgrAddress} {svid.Certificate.Thumbprint}";
        lock (_tokenChannelOf)
        {
            // Only a newer SVID retires the channel in use: a call that read the SVID just before a rotation must not
            // retire the new one's channel.
            var current = _tokenChannelOf.GetValueOrDefault(nsmgrAddress);
            if (current.Key != key && (current.Key is null || svid.NotAfter > current.NotAfter))
            {
                _tokenChannelOf[nsmgrAddress] = (key, svid.NotAfter);
                if (current.Key is not null)
                {
                    _retired.Enqueue((current.Key, time.GetUtcNow()));
                }
            }
        }

        DisposeExpiredRetirees();
        return Entry(key, nsmgrAddress, () => svid);
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private NsmgrChannel Entry(string key, string nsmgrAddress, Func<X509Svid>? svid) =>
        _channels.GetOrAdd(key, _ => new Lazy<NsmgrChannel>(() => Create(NsmgrAddress.Parse(nsmgrAddress), svid))).Value;

    private void DisposeExpiredRetirees()
    {
        var now = time.GetUtcNow();
        while (_retired.TryPeek(out var retired) && now - retired.RetiredAt >= RetiredChannelGrace && _retired.TryDequeue(out retired))
        {
            if (_channels.TryRemove(retired.Key, out var channel) && channel.IsValueCreated)
            {
                channel.Value.Dispose();
            }
        }
    }

    private NsmgrChannel Create(NsmgrAddress address, Func<X509Svid>? svid)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.Value.DialTimeout,
            EnableMultipleHttp2Connections = true,
            // Notice a dead NSMgr on an idle channel instead of waiting for the next request to time out.
            KeepAlivePingDelay = TimeSpan.FromSeconds(10),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };

        // With an identity every address is mTLS (NSM writes tcp:// and unix:// for what is TLS on the wire).
        var uri = svid is not null ? new UriBuilder(address.HttpUri) { Scheme = Uri.UriSchemeHttps }.Uri : address.HttpUri;
        var peers = new NsmgrPeers();
        var allowed = identityOptions.Value.AllowedNsmgrIds;
        var target = new DnsEndPoint(uri.Host, uri.Port);
        if (svid is not null)
        {
            handler.SslOptions = SpiffeTlsClient.Options(svid, allowed, peers.Remember);
        }

        if (address.UnixSocketPath is not null)
        {
            handler.ConnectCallback = (_, cancellationToken) => NsmgrConnector.OpenAsync(address, target, cancellationToken);
        }

        var channel = GrpcChannel.ForAddress(uri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.Value.MaxReceiveMessageBytes,
        });
        return new NsmgrChannel(channel, peers, cancellationToken => svid is null
            ? throw new InvalidOperationException("a plaintext channel has no NSMgr identity")
            : NsmgrConnector.ProbeAsync(address, target, svid(), allowed, cancellationToken));
    }
}
