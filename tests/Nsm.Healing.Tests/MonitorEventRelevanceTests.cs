using Nsm.Api;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class MonitorEventRelevanceTests
{
    [Fact]
    public void An_event_about_the_endpoint_we_hold_is_current() =>
        Assert.True(MonitorEventRelevance.IsAboutCurrent(AtEndpoint("nse-1"), AtEndpoint("nse-1")));

    [Fact]
    public void The_DELETE_after_our_own_close_during_a_reselect_to_another_endpoint_is_stale() =>
        Assert.False(MonitorEventRelevance.IsAboutCurrent(current: AtEndpoint("nse-2"), reported: AtEndpoint("nse-1")));

    [Fact]
    public void An_event_without_an_endpoint_name_is_current() =>
        Assert.True(MonitorEventRelevance.IsAboutCurrent(AtEndpoint("nse-1"), AtEndpoint("")));

    [Fact]
    public void Any_event_is_current_while_we_hold_no_endpoint_name() =>
        Assert.True(MonitorEventRelevance.IsAboutCurrent(AtEndpoint(""), AtEndpoint("nse-1")));

    [Fact]
    public void An_event_that_carries_no_connection_is_about_the_current_one() =>
        Assert.True(MonitorEventRelevance.IsAboutCurrent(AtEndpoint("nse-1"), reported: null));

    [Fact]
    public void Nothing_is_current_when_we_hold_no_connection()
    {
        Assert.False(MonitorEventRelevance.IsAboutCurrent(current: null, AtEndpoint("nse-1")));
        Assert.False(MonitorEventRelevance.IsAboutCurrent(current: null, reported: null));
    }

    [Fact]
    public void The_DELETE_after_our_own_close_during_a_reselect_to_the_same_endpoint_is_stale()
    {
        var closed = TestRequests.LastGood().Connection;
        var current = closed.Clone();
        current.Path.PathSegments[2] = TestRequests.Segment("forwarder-2", "fwd-conn-2", "token-fwd-2");
        current.Path.PathSegments[3] = TestRequests.Segment("nse-1", "nse-conn-2", "token-nse-2");

        Assert.False(MonitorEventRelevance.IsAboutCurrent(current, reported: closed));
    }

    private static Connection AtEndpoint(string endpoint)
    {
        var connection = TestRequests.LastGood().Connection;
        connection.NetworkServiceEndpointName = endpoint;
        return connection;
    }
}
