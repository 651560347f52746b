using Nsm.Api;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Tests;

public sealed class HealRequestsTests
{
    [Fact]
    public void Restore_resends_the_last_good_request_unchanged_from_hop_zero()
    {
        var lastGood = TestRequests.LastGood();
        var expected = lastGood.Clone();
        expected.Connection.Path.Index = 0;

        var restore = HealRequests.Restore(lastGood);

        Assert.Equal(expected, restore);
        Assert.Equal("nse-1", restore.Connection.NetworkServiceEndpointName);
        Assert.Equal(lastGood.Connection.Path.PathSegments, restore.Connection.Path.PathSegments);
    }

    [Fact]
    public void Restore_does_not_touch_the_last_good_request()
    {
        var lastGood = TestRequests.LastGood();

        var restore = HealRequests.Restore(lastGood);
        restore.Connection.Path.PathSegments[1].Token = "changed";
        restore.MechanismPreferences.Clear();

        Assert.Equal(TestRequests.LastGood(), lastGood);
    }

    [Fact]
    public void Restore_never_asks_for_a_reselect_even_if_the_last_answer_echoed_one()
    {
        var lastGood = TestRequests.LastGood();
        lastGood.Connection.State = State.ReselectRequested;

        var restore = HealRequests.Restore(lastGood);

        Assert.Equal(State.Up, restore.Connection.State);
        Assert.Equal("nse-1", restore.Connection.NetworkServiceEndpointName);
    }

    [Fact]
    public void Reselect_clears_the_mechanism_and_endpoint_and_asks_for_a_reselect()
    {
        var reselect = HealRequests.Reselect(TestRequests.LastGood());

        Assert.Null(reselect.Connection.Mechanism);
        Assert.Equal("", reselect.Connection.NetworkServiceEndpointName);
        Assert.Equal(State.ReselectRequested, reselect.Connection.State);
        Assert.Equal(0u, reselect.Connection.Path.Index);
    }

    [Fact]
    public void Reselect_keeps_id_path_context_labels_service_payload_and_preferences()
    {
        var lastGood = TestRequests.LastGood();

        var reselect = HealRequests.Reselect(lastGood);

        var sent = reselect.Connection;
        var before = lastGood.Connection;
        Assert.Equal(before.Id, sent.Id);
        Assert.Equal(before.Path.PathSegments, sent.Path.PathSegments);
        Assert.Equal(before.Context, sent.Context);
        Assert.Equal(before.Labels, sent.Labels);
        Assert.Equal(before.NetworkService, sent.NetworkService);
        Assert.Equal(before.Payload, sent.Payload);
        Assert.Equal(lastGood.MechanismPreferences, reselect.MechanismPreferences);
        Assert.NotEmpty(reselect.MechanismPreferences);
    }

    [Fact]
    public void Reselect_does_not_touch_the_last_good_request()
    {
        var lastGood = TestRequests.LastGood();

        var reselect = HealRequests.Reselect(lastGood);
        reselect.Connection.Labels["app"] = "changed";
        reselect.Connection.Path.PathSegments.Add(new PathSegment { Name = "extra" });

        Assert.Equal(TestRequests.LastGood(), lastGood);
    }

    [Fact]
    public void WithAnswer_keeps_the_sent_preferences_and_the_answered_connection()
    {
        var sent = HealRequests.Reselect(TestRequests.LastGood());
        var answer = TestRequests.LastGood().Connection;
        answer.NetworkServiceEndpointName = "nse-2";
        answer.Mechanism = new Mechanism { Cls = "LOCAL", Type = "MEMIF" };

        var remembered = HealRequests.WithAnswer(sent, answer);

        Assert.Equal(answer, remembered.Connection);
        Assert.Equal(sent.MechanismPreferences, remembered.MechanismPreferences);
    }

    [Fact]
    public void WithAnswer_shares_nothing_with_its_inputs()
    {
        var sent = TestRequests.LastGood();
        var answer = TestRequests.LastGood().Connection;

        var remembered = HealRequests.WithAnswer(sent, answer);
        remembered.Connection.NetworkServiceEndpointName = "changed";
        remembered.MechanismPreferences[0].Type = "changed";

        Assert.Equal(TestRequests.LastGood().Connection, answer);
        Assert.Equal(TestRequests.LastGood(), sent);
    }

    [Fact]
    public void ForClose_sends_the_last_connection_from_hop_zero()
    {
        var last = TestRequests.LastGood().Connection;
        var expected = last.Clone();
        expected.Path.Index = 0;

        var close = HealRequests.ForClose(last);

        Assert.Equal(expected, close);
        Assert.Equal(1u, last.Path.Index);
    }

    [Fact]
    public void ForClose_tolerates_a_connection_without_a_path()
    {
        var last = new Connection { Id = TestRequests.ConnectionId };

        Assert.Equal(last, HealRequests.ForClose(last));
    }
}
