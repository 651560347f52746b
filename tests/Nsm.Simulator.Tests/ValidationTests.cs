using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class ValidationTests
{
    public static TheoryData<string, StatusCode, string> BadRequests => new()
    {
        { "missing connection", StatusCode.InvalidArgument, "connection is required" },
        { "empty id", StatusCode.InvalidArgument, "connection.id must not be empty" },
        { "empty network service", StatusCode.InvalidArgument, "connection.network_service must not be empty" },
        { "no path", StatusCode.InvalidArgument, "connection.path must hold segment 0 for the NSC" },
        { "segment 0 id differs", StatusCode.InvalidArgument, "connection.path.path_segments[0].id 'other' must equal connection.id 'c-bad'" },
        { "path index not 0", StatusCode.InvalidArgument, "connection.path.index must be 0" },
        { "no nsc name", StatusCode.InvalidArgument, "connection.path.path_segments[0].name" },
        { "no mechanism", StatusCode.InvalidArgument, "mechanism_preferences must not be empty when connection.mechanism is not set" },
        { "unknown service", StatusCode.NotFound, "network service 'ns-unknown' has no registered endpoint" },
        { "unknown endpoint", StatusCode.NotFound, "endpoint 'nse-unknown' is not registered" },
    };

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_request_fails_clearly_and_leaves_nothing_behind(string problem, StatusCode code, string message)
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync(BadRequest(problem)));

        Assert.Equal(code, error.StatusCode);
        Assert.Contains(message, error.Status.Detail);
        Assert.Null(sim.WiringOf("c-bad"));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Empty(sim.ConnectionsAt("nse-1b"));
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Equal(code, Assert.Single(sim.Records.Requests()).Outcome);
        // The next event on the stream is the sentinel's: the failed Request sent none.
        var sentinel = await nsc.RequestAsync("c-sentinel");
        var update = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal(Paths.KeyAt(sentinel, 1), update.Key);
    }

    [Fact]
    public async Task Close_with_an_empty_id_is_invalid()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var error = await Assert.ThrowsAsync<RpcException>(() => nsc.CloseAsync(new Connection()));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("connection.id must not be empty", error.Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, Assert.Single(sim.Records.Closes()).Outcome);
    }

    private static NetworkServiceRequest BadRequest(string problem)
    {
        var request = NscRequests.New("c-bad");
        var connection = request.Connection;
        switch (problem)
        {
            case "missing connection":
                request.Connection = null;
                break;
            case "empty id":
                connection.Id = string.Empty;
                break;
            case "empty network service":
                connection.NetworkService = string.Empty;
                break;
            case "no path":
                connection.Path = null;
                break;
            case "segment 0 id differs":
                connection.Path.PathSegments[0].Id = "other";
                break;
            case "path index not 0":
                connection.Path.Index = 1;
                break;
            case "no nsc name":
                connection.Path.PathSegments[0].Name = string.Empty;
                break;
            case "no mechanism":
                request.MechanismPreferences.Clear();
                break;
            case "unknown service":
                connection.NetworkService = "ns-unknown";
                break;
            case "unknown endpoint":
                connection.NetworkServiceEndpointName = "nse-unknown";
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, "no such case");
        }

        return request;
    }
}
