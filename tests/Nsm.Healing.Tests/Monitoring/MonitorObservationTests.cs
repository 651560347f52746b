using Google.Protobuf.WellKnownTypes;
using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Tests.Monitoring;

/// <summary>What the monitor loop hands its grain: only what matching needs, whatever the NSMgr stuffed into an event.</summary>
public sealed class MonitorObservationTests
{
    [Fact]
    public void Only_what_matching_needs_is_kept_so_huge_maps_and_tokens_never_reach_the_grains()
    {
        var reported = TestRequests.LastGood().Connection;
        reported.State = State.Down;
        for (var i = 0; i < 1000; i++)
        {
            reported.Labels[$"label-{i}"] = new string('x', 1000);
            reported.Context.ExtraContext[$"extra-{i}"] = new string('y', 1000);
        }

        var slim = MonitorEventTranslator.ForMatching(reported);

        Assert.Empty(slim.Labels);
        Assert.Null(slim.Context);
        Assert.Null(slim.Mechanism);
        Assert.All(slim.Path.PathSegments, segment => Assert.Equal("", segment.Token));
        Assert.Equal(reported.Id, slim.Id);
        Assert.Equal(State.Down, slim.State);
        Assert.Equal(reported.NetworkServiceEndpointName, slim.NetworkServiceEndpointName);
        Assert.Equal(reported.Path.Index, slim.Path.Index);
        Assert.Equal(reported.Path.PathSegments.Select(s => (s.Name, s.Id, s.Expires)), slim.Path.PathSegments.Select(s => (s.Name, s.Id, s.Expires)));
        Assert.True(slim.CalculateSize() < 1000, $"{slim.CalculateSize()} bytes");
    }

    [Fact]
    public void The_trimmed_connection_is_judged_like_the_full_one()
    {
        var current = TestRequests.LastGood().Connection;
        var sameWiring = current.Clone();
        var otherEndpoint = current.Clone();
        otherEndpoint.NetworkServiceEndpointName = "nse-2";
        var olderIncarnation = current.Clone();
        olderIncarnation.Path.PathSegments[1].Expires = Timestamp.FromDateTimeOffset(current.Path.PathSegments[1].Expires.ToDateTimeOffset().AddMinutes(-1));

        foreach (var reported in new[] { sameWiring, otherEndpoint, olderIncarnation })
        {
            Assert.Equal(
                Decisions.MonitorEventRelevance.IsAboutCurrent(current, reported),
                Decisions.MonitorEventRelevance.IsAboutCurrent(current, MonitorEventTranslator.ForMatching(reported)));
        }
    }

    [Fact]
    public void Every_observation_carries_the_trimmed_connection_and_an_entry_without_a_path_is_a_problem()
    {
        var down = TestRequests.LastGood().Connection;
        down.State = State.Down;
        var connectionEvent = new ConnectionEvent
        {
            Type = ConnectionEventType.Update,
            Connections = { ["nsmgr-conn"] = down, ["no-path"] = new Connection { Id = "y", State = State.Down }, ["up"] = Up("other") },
        };

        var (observations, problems) = MonitorEventTranslator.Observe(connectionEvent, includeUnchanged: false);

        Assert.Equal(2, observations.Count);
        var matched = Assert.Single(observations, o => o.ConnectionId == TestRequests.ConnectionId);
        Assert.Equal(MonitorEventKind.Down, matched.Kind);
        Assert.Equal(MonitorEventTranslator.ForMatching(down), matched.Connection);
        Assert.Single(observations, o => o.ConnectionId == "");
        Assert.Equal(["connection 'no-path' has no path segment 0 to match it by"], problems);
    }

    [Fact]
    public void A_snapshot_keeps_unchanged_entries_since_presence_matters_there()
    {
        var snapshot = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer, Connections = { ["a"] = Up("conn-a") } };

        var (observations, problems) = MonitorEventTranslator.Observe(snapshot, includeUnchanged: true);

        var observation = Assert.Single(observations);
        Assert.Equal("conn-a", observation.ConnectionId);
        Assert.Null(observation.Kind);
        Assert.Empty(problems);
    }

    [Fact]
    public void A_hostile_map_key_is_shortened_in_the_problem_line()
    {
        var key = new string('k', 10_000);
        var connectionEvent = new ConnectionEvent { Type = ConnectionEventType.Delete, Connections = { [key] = new Connection() } };

        var (_, problems) = MonitorEventTranslator.Observe(connectionEvent, includeUnchanged: false);

        Assert.True(Assert.Single(problems).Length < 200);
    }

    private static Connection Up(string id) => new()
    {
        Id = id,
        State = State.Up,
        Path = new Api.Path { PathSegments = { new PathSegment { Name = "nsc", Id = id } } },
    };
}
