using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Nsm.Api;

namespace Nsm.Simulator.Tests.Support;

/// <summary>An NSC's view of one NSMgr over a real gRPC channel.</summary>
internal sealed class NscClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly GrpcChannel _channel;

    public NscClient(string address, GrpcChannelOptions? options = null)
    {
        _channel = GrpcChannel.ForAddress(address, options ?? new GrpcChannelOptions());
        Network = new NetworkService.NetworkServiceClient(_channel);
        MonitorClient = new MonitorConnection.MonitorConnectionClient(_channel);
        Health = new Health.HealthClient(_channel);
    }

    public NetworkService.NetworkServiceClient Network { get; }

    public MonitorConnection.MonitorConnectionClient MonitorClient { get; }

    public Health.HealthClient Health { get; }

    public Task<Connection> RequestAsync(string connectionId, string networkService = "ns-1", string? endpoint = null) =>
        RequestAsync(NscRequests.New(connectionId, networkService, endpoint));

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, Metadata? headers = null) =>
        await Network.RequestAsync(request, headers, DateTime.UtcNow + CallTimeout);

    public async Task CloseAsync(Connection connection) =>
        await Network.CloseAsync(connection, deadline: DateTime.UtcNow + CallTimeout);

    public MonitorStream Monitor(MonitorScopeSelector? selector = null) =>
        new(MonitorClient.MonitorConnections(selector ?? new MonitorScopeSelector()));

    /// <summary>Opens a stream and reads its INITIAL_STATE_TRANSFER into <see cref="MonitorStream.Initial"/>.</summary>
    public async Task<MonitorStream> MonitorFromNowAsync(MonitorScopeSelector? selector = null)
    {
        var stream = Monitor(selector);
        var initial = await stream.NextAsync();
        Assert.Equal(ConnectionEventType.InitialStateTransfer, initial.Type);
        stream.Initial = initial;
        return stream;
    }

    public async Task<HealthCheckResponse.Types.ServingStatus> HealthOfAsync(string service) =>
        (await Health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + CallTimeout)).Status;

    public void Dispose() => _channel.Dispose();
}
