using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Nsm.Api;
using Nsm.Netns;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

/// <summary>
/// The NSMgr receives the NSC's namespace as upstream's recvfd does: a descriptor on the unix socket, looked up by the
/// request's inode:// URL. These pass this test process's own namespace, which needs no privileges.
/// </summary>
public sealed class NamespaceReceivingTests : IAsyncLifetime
{
    private static readonly NamespaceInode Own = NamespaceInode.OfPath("/proc/self/ns/net");

    private readonly string _socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");
    private readonly List<DescriptorPassingStream> _connections = [];
    private NsmSimulator _sim = null!;

    public async Task InitializeAsync() =>
        _sim = await NsmSimulator.StartAsync(
            SimulatorTopology.Builder().AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a").AddNse("nse-1", "ns-1").WithUnixSocket(_socket)).Build(),
            security: SimulatorSecurity.Plaintext);

    public async Task DisposeAsync() => await _sim.DisposeAsync();

    [Fact]
    public async Task Kernel_request_with_its_descriptor_is_wired_and_the_namespace_recorded()
    {
        using var nsc = UnixNsc();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        await nsc.HealthOfAsync(string.Empty);
        Assert.Single(_connections).Enqueue(netns);

        var connection = await nsc.RequestAsync(KernelRequest("c-1", Own.ToUrl()));

        Assert.Equal(Own.ToUrl(), connection.Mechanism.Parameters[KernelInodeUrl]);
        var record = Assert.Single(_sim.Records.Namespaces("c-1"));
        Assert.Equal(("nsmgr-1", "Request", (NamespaceInode?)Own), (record.Nsmgr, record.Call, record.Namespace));
    }

    [Fact]
    public async Task Kernel_request_without_a_descriptor_fails_with_no_fd_for_its_url()
    {
        using var nsc = UnixNsc();

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(KernelRequest("c-2", Own.ToUrl())));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal($"no fd for {Own.ToUrl()}", refused.Status.Detail);
        Assert.Empty(_sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Null(Assert.Single(_sim.Records.Namespaces("c-2")).Namespace);
    }

    [Fact]
    public async Task Kernel_request_over_tcp_is_refused_the_same_way()
    {
        using var nsc = new NscClient(_sim.NsmgrAddress("nsmgr-1"));

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(KernelRequest("c-3", Own.ToUrl())));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.StartsWith($"no fd for {Own.ToUrl()}", refused.Status.Detail);
        Assert.Contains("TCP", refused.Status.Detail);
    }

    [Theory]
    [InlineData(null, "has no inodeURL")]
    [InlineData("file:///proc/thread-self/ns/net", "no fd for file:///proc/thread-self/ns/net")]
    public async Task Kernel_request_that_names_no_inode_is_refused(string? url, string expected)
    {
        using var nsc = UnixNsc();

        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(KernelRequest("c-4", url)));

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Contains(expected, refused.Status.Detail);
    }

    [Fact]
    public async Task A_restarted_nsmgr_has_lost_the_descriptors_it_received()
    {
        using var nsc = UnixNsc();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        await nsc.HealthOfAsync(string.Empty);
        Assert.Single(_connections).Enqueue(netns);
        var first = await nsc.RequestAsync(KernelRequest("c-5", Own.ToUrl()));

        await _sim.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromMilliseconds(50));
        var restore = new NetworkServiceRequest { Connection = first.Clone(), MechanismPreferences = { first.Mechanism.Clone() } };
        var refused = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(restore));
        Assert.Single(_connections).Enqueue(netns);
        var restored = await nsc.RequestAsync(restore);

        Assert.Equal(($"no fd for {Own.ToUrl()}", "nse-1"), (refused.Status.Detail, restored.NetworkServiceEndpointName));
        Assert.Equal([Own, null, Own], _sim.Records.Namespaces("c-5").Select(r => r.Namespace));
    }

    [Fact]
    public async Task Kernel_close_records_the_namespace_it_brought()
    {
        using var nsc = UnixNsc();
        using var netns = NamespaceInode.Open("/proc/self/ns/net");
        await nsc.HealthOfAsync(string.Empty);
        Assert.Single(_connections).Enqueue(netns);
        var connection = await nsc.RequestAsync(KernelRequest("c-6", Own.ToUrl()));

        Assert.Single(_connections).Enqueue(netns);
        await nsc.CloseAsync(connection);

        Assert.Equal(("Close", (NamespaceInode?)Own), _sim.Records.Namespaces("c-6").Select(r => (r.Call, r.Namespace)).Last());
        Assert.Empty(_sim.ConnectionsKnownBy("nsmgr-1"));
    }

    [Fact]
    public async Task Kernel_close_without_a_descriptor_still_closes()
    {
        using var nsc = UnixNsc();
        var connection = new Connection
        {
            Id = "c-7",
            NetworkService = "ns-1",
            Mechanism = new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { [KernelInodeUrl] = Own.ToUrl() } },
            Path = new Nsm.Api.Path { PathSegments = { new PathSegment { Name = "nsc-1", Id = "c-7" } } },
        };

        await nsc.CloseAsync(connection);

        Assert.Equal(("Close", (NamespaceInode?)null), _sim.Records.Namespaces("c-7").Select(r => (r.Call, r.Namespace)).Single());
    }

    private const string KernelInodeUrl = "inodeURL";

    private static NetworkServiceRequest KernelRequest(string id, string? inodeUrl)
    {
        var request = NscRequests.New(id);
        var kernel = new Mechanism { Cls = "LOCAL", Type = "KERNEL" };
        if (inodeUrl is not null)
        {
            kernel.Parameters[KernelInodeUrl] = inodeUrl;
        }

        request.MechanismPreferences.Clear();
        request.MechanismPreferences.Add(kernel);
        return request;
    }

    /// <summary>A plaintext channel whose connections can pass descriptors, each kept in <see cref="_connections"/>.</summary>
    private UnixNscChannel UnixNsc() => new(GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler
        {
            ConnectCallback = async (_, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(_socket), cancellationToken);
                var stream = new DescriptorPassingStream(socket);
                _connections.Add(stream);
                return stream;
            },
        },
    }));

    private sealed class UnixNscChannel(GrpcChannel channel) : IDisposable
    {
        private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

        public async Task<Connection> RequestAsync(NetworkServiceRequest request) =>
            await new NetworkService.NetworkServiceClient(channel).RequestAsync(request, deadline: DateTime.UtcNow + CallTimeout);

        public async Task CloseAsync(Connection connection) =>
            await new NetworkService.NetworkServiceClient(channel).CloseAsync(connection, deadline: DateTime.UtcNow + CallTimeout);

        public async Task HealthOfAsync(string service) =>
            await new Grpc.Health.V1.Health.HealthClient(channel).CheckAsync(new Grpc.Health.V1.HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + CallTimeout);

        public void Dispose() => channel.Dispose();
    }
}
