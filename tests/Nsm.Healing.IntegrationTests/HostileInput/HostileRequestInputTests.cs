using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// Huge label maps and ids that are not valid text, handed in by a caller: a clear error naming the field and the rule,
/// at the client before anything leaves the NSC and again at the grain for callers that skip the client; nothing is
/// stored and nothing reaches the NSMgr.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class HostileRequestInputTests(ClusterFixture fixture)
{
    public static TheoryData<string, string, string> HostileRequests => new()
    {
        // problem, what the grain says, what the client says. A lone surrogate reaches the grain as U+FFFD: Orleans and
        // protobuf replace it on the way without an error, which is why the grain refuses that mark.
        { "too many labels", "request.connection.labels: has 129 labels; at most 128 are allowed", "request.Request.Connection.Labels has 129 labels" },
        { "labels too large", "request.connection.labels: takes 40008 bytes (keys and values, UTF-8); at most 32768 are allowed", "request.Request.Connection.Labels takes 40008 bytes" },
        { "lone surrogate in a label value", "request.connection.labels: value of 'app' contains U+FFFD at index 3", "request.Request.Connection.Labels value of 'app' is not valid UTF-16" },
        { "lone surrogate in a path segment id", "request.connection.path.path_segments[1].id: contains U+FFFD at index 3", "request.Request.Connection.Path.PathSegments[1].Id is not valid UTF-16" },
        { "replacement character in a path segment name", "request.connection.path.path_segments[1].name: contains U+FFFD at index 0", "request.Request.Connection.Path.PathSegments[1].Name contains U+FFFD" },
    };

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task The_grain_rejects_it_naming_the_field_and_nothing_is_written_or_sent(string problem, string grainError, string clientError)
    {
        _ = clientError;
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("hostile-request");
        var grain = fixture.Cluster.Connection(id);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Request(Break(scenario.RequestFor(id), problem)));

        Assert.Contains(grainError, error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task The_client_rejects_it_before_the_call_leaves_the_nsc(string problem, string grainError, string clientError)
    {
        _ = grainError;
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("hostile-client");
        var client = new NsmHealingClient(fixture.Cluster.Client);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync(Break(scenario.RequestFor(id), problem)));

        Assert.Contains(clientError, error.Message);
        Assert.Equal(ConnectionPhase.None, (await fixture.Cluster.Connection(id).GetState()).Phase);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    [Fact]
    public async Task A_connection_id_with_a_lone_surrogate_is_refused_by_the_client_and_by_the_grain()
    {
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("lone") + "\uD800";
        var client = new NsmHealingClient(fixture.Cluster.Client);

        var clientError = await Assert.ThrowsAsync<ArgumentException>(() => client.RequestAsync(scenario.RequestFor(id)));
        var getError = await Assert.ThrowsAsync<ArgumentException>(() => client.GetAsync(id));
        var grainError = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Cluster.Connection(id).Request(scenario.RequestFor(id)));

        Assert.Contains("request.Request.Connection.Id is not valid UTF-16: lone surrogate U+D800", clientError.Message);
        Assert.Contains("connectionId is not valid UTF-16", getError.Message);
        Assert.Contains("connection.id: contains U+FFFD", grainError.Message);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    [Theory]
    [MemberData(nameof(HostileRequests))]
    public async Task Adopt_rejects_it_at_the_grain_too_and_stores_nothing(string problem, string grainError, string clientError)
    {
        _ = clientError;
        await using var scenario = await NscScenario.StartAsync(fixture.Cluster, SimulatorTopology.Default(nodes: 1));
        var id = NscScenario.NewId("hostile-adopt");
        var broken = Break(scenario.RequestFor(id), problem).Request;
        if (broken.Connection.Path is null)
        {
            broken.Connection.Path = WithSecondSegment(id, new PathSegment { Name = "nsmgr-1", Id = "abc" });
        }

        var grain = fixture.Cluster.Connection(id);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.Adopt(new AdoptRequest
        {
            NsmgrAddress = scenario.Simulator.NsmgrAddress("nsmgr-1"),
            Connection = broken.Connection,
            MechanismPreferences = broken.MechanismPreferences.ToList(),
            Policy = NscScenario.FastPolicy,
        }));

        // The same rule and detail as a Request, under the adopted connection's field names.
        Assert.Contains(grainError.Replace("request.connection.", "connection.", StringComparison.Ordinal), error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Empty(scenario.Simulator.Records.Requests());
    }

    private static ConnectionRequest Break(ConnectionRequest valid, string problem)
    {
        var request = valid.Request.Clone();
        var connection = request.Connection;
        switch (problem)
        {
            case "too many labels":
                connection.Labels.Clear();
                for (var i = 0; i < ConnectionInputRules.MaxLabelCount + 1; i++)
                {
                    connection.Labels[$"l{i}"] = "v";
                }

                break;
            case "labels too large":
                connection.Labels.Clear();
                connection.Labels["big"] = new string('x', 40_005);
                break;
            case "lone surrogate in a label value":
                connection.Labels["app"] = "nsc\uDC00";
                break;
            case "lone surrogate in a path segment id":
                connection.Path = WithSecondSegment(connection.Id, new PathSegment { Name = "nsmgr-1", Id = "abc\uD800" });
                break;
            case "replacement character in a path segment name":
                connection.Path = WithSecondSegment(connection.Id, new PathSegment { Name = "\uFFFDnsmgr", Id = "abc" });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(problem), problem, "unknown problem");
        }

        return valid with { Request = request };
    }

    private static Api.Path WithSecondSegment(string id, PathSegment second) =>
        new() { PathSegments = { new PathSegment { Name = "nsc-under-test", Id = id }, second } };
}
