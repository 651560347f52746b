using System.Collections.Concurrent;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.Extensions.Options;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// One gRPC channel per NSMgr address for the whole silo: thousands of connection grains behind one NSMgr
/// share its HTTP/2 connections instead of dialing each their own.
/// </summary>
public sealed class NsmgrChannelPool(IOptions<NsmgrClientOptions> options) : IDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GrpcChannel>> _channels = new(StringComparer.Ordinal);

    public GrpcChannel Get(string nsmgrAddress) =>
        _channels.GetOrAdd(nsmgrAddress, address => new Lazy<GrpcChannel>(() => Create(NsmgrAddress.Parse(address)))).Value;

    public void Dispose()
    {
        foreach (var channel in _channels.Values.Where(c => c.IsValueCreated))
        {
            channel.Value.Dispose();
        }
    }

    private GrpcChannel Create(NsmgrAddress address)
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

        if (address.HttpUri.Scheme == Uri.UriSchemeHttps)
        {
            handler.SslOptions = NsmgrTls.ClientAuthentication(options.Value.Tls);
        }

        if (address.UnixSocketPath is { } socketPath)
        {
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return GrpcChannel.ForAddress(address.HttpUri, new GrpcChannelOptions
        {
            HttpHandler = handler,
            DisposeHttpClient = true,
            MaxReceiveMessageSize = options.Value.MaxReceiveMessageBytes,
        });
    }
}
