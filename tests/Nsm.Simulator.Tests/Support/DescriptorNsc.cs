using System.Net.Sockets;
using System.Runtime.InteropServices;
using Grpc.Net.Client;
using Nsm.Api;
using Nsm.Netns;

namespace Nsm.Simulator.Tests.Support;

/// <summary>
/// A plaintext NSC on an NSMgr's unix socket that sends a namespace descriptor ahead of each call, as upstream's grpcfd
/// does, and KERNEL requests naming it.
/// </summary>
internal sealed class DescriptorNsc : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly List<DescriptorPassingStream> _connections = [];
    private readonly GrpcChannel _channel;

    public DescriptorNsc(string socket) => _channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var connection = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await connection.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                var stream = new DescriptorPassingStream(connection);
                lock (_connections)
                {
                    _connections.Add(stream);
                }

                return stream;
            },
        },
    });

    public static NetworkServiceRequest KernelRequest(string id, NamespaceInode netns, string? interfaceName = null)
    {
        var request = NscRequests.New(id);
        var kernel = new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = netns.ToUrl() } };
        if (interfaceName is not null)
        {
            kernel.Parameters["name"] = interfaceName;
        }

        request.MechanismPreferences.Clear();
        request.MechanismPreferences.Add(kernel);
        return request;
    }

    /// <summary>Restore as upstream: the last connection unchanged, its mechanism the preference.</summary>
    public static NetworkServiceRequest Restore(Connection last) =>
        new() { Connection = last.Clone(), MechanismPreferences = { last.Mechanism.Clone() } };

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, SafeHandle netns)
    {
        await SendAsync(netns);
        return await new NetworkService.NetworkServiceClient(_channel).RequestAsync(request, deadline: DateTime.UtcNow + CallTimeout);
    }

    public async Task CloseAsync(Connection connection, SafeHandle netns)
    {
        await SendAsync(netns);
        await new NetworkService.NetworkServiceClient(_channel).CloseAsync(connection, deadline: DateTime.UtcNow + CallTimeout);
    }

    public void Dispose() => _channel.Dispose();

    /// <summary>The descriptor rides on the next bytes written: a health call makes sure the connection exists first.</summary>
    private async Task SendAsync(SafeHandle netns)
    {
        await new Grpc.Health.V1.Health.HealthClient(_channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow + CallTimeout);
        lock (_connections)
        {
            _connections[^1].Enqueue(netns);
        }
    }
}
