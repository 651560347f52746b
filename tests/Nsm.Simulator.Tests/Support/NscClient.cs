using Grpc.Core;
using Grpc.Health.V1;
using Nsm.Identity;
using Nsm.Simulator.Identity;
using Nsm.Api;

namespace Nsm.Simulator.Tests.Support;

/// <summary>
/// An NSC's view of one NSMgr over a real gRPC channel: mTLS with an SVID and a signed token on every call when the
/// simulator is secure (the default), plain h2c otherwise.
/// </summary>
internal sealed class NscClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    private readonly SecureNscChannel _channel;

    /// <param name="unixSocket">Dial this socket instead of the address's host and port (address http://localhost).</param>
    public NscClient(
        string address, string? unixSocket = null, X509Svid? svid = null, SecureNscChannel.TokenFactory? token = null, bool secure = true, TimeSpan? keepAlivePing = null)
    {
        _channel = SecureNscChannel.Create(address, svid, unixSocket, token, secure, keepAlivePing);
        Network = new NetworkService.NetworkServiceClient(_channel.CallInvoker);
        MonitorClient = new MonitorConnection.MonitorConnectionClient(_channel.CallInvoker);
        Health = new Health.HealthClient(_channel.CallInvoker);
    }

    public SecureNscChannel Channel => _channel;

    public NetworkService.NetworkServiceClient Network { get; }

    public MonitorConnection.MonitorConnectionClient MonitorClient { get; }

    public Health.HealthClient Health { get; }

    public Task<Connection> RequestAsync(string connectionId, string networkService = "ns-1", string? endpoint = null) =>
        RequestAsync(NscRequests.New(connectionId, networkService, endpoint));

    public async Task<Connection> RequestAsync(NetworkServiceRequest request, Metadata? headers = null) =>
        await Network.RequestAsync(request, headers, DateTime.UtcNow + CallTimeout);

    public async Task CloseAsync(Connection connection, Metadata? headers = null) =>
        await Network.CloseAsync(connection, headers, DateTime.UtcNow + CallTimeout);

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
