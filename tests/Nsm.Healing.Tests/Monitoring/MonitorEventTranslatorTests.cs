using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Tests.Monitoring;

public sealed class MonitorEventTranslatorTests
{
    [Fact]
    public void Matches_by_the_nsc_segment_never_by_the_map_key()
    {
        var connection = At("nsc-conn-1", State.Down);
        var connectionEvent = new ConnectionEvent { Type = ConnectionEventType.Update, Connections = { ["nsmgr-own-id"] = connection } };

        var (events, unmatched) = MonitorEventTranslator.Translate(connectionEvent);

        var (id, monitorEvent) = Assert.Single(events);
        Assert.Equal("nsc-conn-1", id);
        Assert.Equal(MonitorEventKind.Down, monitorEvent.Kind);
        Assert.Equal(0, unmatched);
    }

    [Theory]
    [InlineData(ConnectionEventType.Delete, State.Up, MonitorEventKind.Deleted)]
    [InlineData(ConnectionEventType.Update, State.Down, MonitorEventKind.Down)]
    [InlineData(ConnectionEventType.Update, State.RefreshRequested, MonitorEventKind.RefreshRequested)]
    [InlineData(ConnectionEventType.InitialStateTransfer, State.Down, MonitorEventKind.Down)]
    public void Delete_counts_as_down_and_states_map_to_kinds(ConnectionEventType type, State state, MonitorEventKind expected) =>
        Assert.Equal(expected, MonitorEventTranslator.KindOf(type, At("c", state)));

    [Theory]
    [InlineData(State.Up)]
    [InlineData(State.ReselectRequested)]
    public void An_update_that_says_nothing_wrong_needs_no_action(State state) =>
        Assert.Null(MonitorEventTranslator.KindOf(ConnectionEventType.Update, At("c", state)));

    [Fact]
    public void Entries_without_a_client_segment_are_counted_not_matched()
    {
        var connectionEvent = new ConnectionEvent
        {
            Type = ConnectionEventType.Update,
            Connections =
            {
                ["no-path"] = new Connection { Id = "x", State = State.Down },
                ["empty-id"] = new Connection { Id = "y", State = State.Down, Path = new Api.Path { PathSegments = { new PathSegment { Name = "nsc" } } } },
            },
        };

        var (events, unmatched) = MonitorEventTranslator.Translate(connectionEvent);

        Assert.Empty(events);
        Assert.Equal(2, unmatched);
    }

    private static Connection At(string nscId, State state) => new()
    {
        Id = "nsmgr-own-id",
        State = state,
        Path = new Api.Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc", Id = nscId }, new PathSegment { Name = "nsmgr-1", Id = "nsmgr-own-id" } } },
    };
}
