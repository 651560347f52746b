using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>Bad input gets a clear error naming what is wrong, and nothing is left behind: no state, no connection at the NSMgr.</summary>
[Collection(ClusterCollection.Name)]
public sealed class RequestValidationTests(ClusterFixture fixture)
{
    public static TheoryData<string, string> InvalidRequests => new()
    {
        { "empty id", "connection.id: must not be empty" },
        { "id not the grain key", "does not match the connection grain key" },
        { "no network service", "request.connection.network_service: must not be empty" },
        { "no mechanism preferences", "request.mechanism_preferences:" },
        { "malformed address", "nsmgrAddress: 'not an address' is not an absolute URI" },
        { "unsupported scheme", "nsmgrAddress: scheme 'ftp' is not supported" },
        { "invalid policy", "Invalid heal policy: FirstRetryDelay must be positive" },
    };

    [Theory]
    [MemberData(nameof(InvalidRequests))]
    public async Task Invalid_request_is_rejected_with_a_clear_error_and_nothing_behind(string problem, string message)
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("invalid");
        var request = Break(scenario.RequestFor(id), problem);
        var grain = fixture.Cluster.Connection(id);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Request(request));

        Assert.Contains(message, error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    [Fact]
    public async Task Unknown_network_service_is_the_nsmgr_error_and_leaves_nothing_behind()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("unknown-service");
        var grain = fixture.Cluster.Connection(id);

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => grain.Request(scenario.RequestFor(id, networkService: "no-such-service")));

        Assert.Equal("NotFound", error.StatusCode);
        Assert.Contains("no-such-service", error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Empty(scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
        Assert.Empty(scenario.Simulator.Records.Closes(id));
    }

    [Fact]
    public async Task Unreachable_nsmgr_fails_the_first_request_and_stores_nothing()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("unreachable");
        var grain = fixture.Cluster.Connection(id);
        scenario.Simulator.Faults.StopNsmgr("nsmgr-1");

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => grain.Request(scenario.RequestFor(id)));

        Assert.Equal("Unavailable", error.StatusCode);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        scenario.Simulator.Faults.StartNsmgr("nsmgr-1");
        Assert.Empty(scenario.Simulator.ConnectionsKnownBy("nsmgr-1"));
    }

    private static ConnectionRequest Break(ConnectionRequest valid, string problem)
    {
        var request = valid.Request.Clone();
        switch (problem)
        {
            case "empty id":
                request.Connection.Id = "";
                return valid with { Request = request };
            case "id not the grain key":
                request.Connection.Id = "someone-else";
                return valid with { Request = request };
            case "no network service":
                request.Connection.NetworkService = "";
                return valid with { Request = request };
            case "no mechanism preferences":
                request.MechanismPreferences.Clear();
                return valid with { Request = request };
            case "malformed address":
                return valid with { NsmgrAddress = "not an address" };
            case "unsupported scheme":
                return valid with { NsmgrAddress = "ftp://127.0.0.1:21" };
            case "invalid policy":
                return valid with { Policy = HealPolicy.Default with { FirstRetryDelay = TimeSpan.Zero } };
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown problem");
        }
    }
}
