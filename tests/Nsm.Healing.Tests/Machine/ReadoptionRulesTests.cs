using Nsm.Api;
using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// Re-adoption: an NSC asking again for a connection the cluster holds gets the held one back (no Request while it is
/// Up; the same path, restored, when it was closing or closed inside its token window); a changed request goes through.
/// </summary>
public sealed class ReadoptionRulesTests
{
    [Fact]
    public void The_same_request_for_a_connection_held_up_gets_it_without_a_request_at_the_nsmgr()
    {
        var runner = Runner();
        runner.Connect();

        runner.Connect();

        Assert.Equal(["Initial"], runner.Calls.Select(c => c.What));
        Assert.Empty(runner.Failures);
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
    }

    [Fact]
    public void Changed_labels_are_an_update_of_the_held_connection_on_its_path()
    {
        var runner = Runner();
        runner.Connect();
        var pathIds = runner.Stored.Connection!.Path.PathSegments.Select(s => s.Id).ToList();
        var changed = Request();
        changed.Connection.Labels["app"] = "nginx";

        runner.Connect(request: changed);

        Assert.Equal(["Initial", "Update"], runner.Calls.Select(c => c.What));
        Assert.Equal("nse-1", runner.Calls[^1].Endpoint);
        Assert.Equal("nginx", runner.Stored.Connection!.Labels["app"]);
        Assert.Equal(pathIds, runner.Stored.Connection.Path.PathSegments.Select(s => s.Id));
        Assert.Equal(["nse-1"], runner.HeldAt);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.RequestUpdated { Change: Requests.RequestChange.InPlace });
    }

    [Fact]
    public void Changed_mechanism_preferences_are_an_update_that_lets_the_nsmgr_choose_again()
    {
        var runner = Runner();
        runner.Connect();
        var changed = Request();
        changed.MechanismPreferences.RemoveAt(0);

        runner.Connect(request: changed);

        Assert.Equal(["Initial", "Update"], runner.Calls.Select(c => c.What));
        Assert.Equal(["MEMIF"], runner.Stored.LastGoodRequest!.MechanismPreferences.Select(m => m.Type));
    }

    [Fact]
    public void Another_network_service_closes_the_held_connection_and_requests_anew()
    {
        var runner = Runner();
        runner.Connect();
        var changed = Request();
        changed.Connection.NetworkService = "other-service";

        runner.Connect(request: changed);

        Assert.Equal(["Initial", "Close(Replace)", "Initial"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal("other-service", runner.Stored.Connection!.NetworkService);
        Assert.Equal(["nse-2"], runner.HeldAt);
        Assert.Empty(runner.Failures);
    }

    [Fact]
    public void An_nsc_asking_again_while_its_close_is_owed_gets_the_same_path_back_and_the_close_is_dropped()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Close();
        Assert.Equal(ConnectionPhase.Closing, runner.Stored.Phase);
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;

        runner.Connect();

        Assert.Equal(["Initial", "Close(Final)", "Readopt"], runner.Calls.Select(c => c.What));
        Assert.Equal("nse-1", runner.Calls[^1].Endpoint);
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal((0, (DateTimeOffset?)null), (runner.Stored.UnconfirmedCloses, runner.Stored.CloseDeadline));
        Assert.False(runner.Backstop, "the owed Close's retries end");
        Assert.Equal(runner.Stored.RefreshDueAt, runner.WakeupAt);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.Readopted { From: ConnectionPhase.Closing });
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void An_nsc_asking_again_for_a_connection_closed_inside_its_token_window_is_restored_on_its_path()
    {
        var runner = Runner();
        runner.Connect();
        var pathIds = runner.Stored.Connection!.Path.PathSegments.Select(s => s.Id).ToList();
        runner.Close();

        runner.Connect();

        Assert.Equal(["Initial", "Close(Final)", "Readopt"], runner.Calls.Select(c => c.What));
        Assert.Equal(pathIds, runner.Stored.Connection!.Path.PathSegments.Select(s => s.Id));
        Assert.Equal(["nse-1"], runner.HeldAt);
    }

    [Fact]
    public void After_the_token_window_a_closed_connection_asked_for_again_is_a_new_one()
    {
        var runner = Runner();
        runner.Connect();
        runner.Close();
        runner.Advance(TimeSpan.FromMinutes(11));

        runner.Connect();

        Assert.Equal(["Initial", "Close(Final)", "Initial"], runner.Calls.Select(c => c.What));
    }

    [Fact]
    public void A_restore_the_nsmgr_refuses_falls_back_to_a_new_connection()
    {
        var runner = Runner();
        runner.Connect();
        runner.Close();
        runner.NsmgrAnswers = NsmgrBehaviour.Rejects;
        runner.Feed(new RequestAsked(MachineRunner.Nsmgr, Request(), HealPolicy.Default));
        Assert.Equal(["Initial", "Close(Final)", "Readopt", "Initial"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Closed, runner.Machine.State.Phase);
        Assert.Single(runner.Failures);
    }

    [Fact]
    public void A_restore_the_nsmgr_does_not_answer_leaves_the_close_owed()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Close();

        runner.Connect();

        Assert.Equal(["Initial", "Close(Final)", "Readopt"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Closing, runner.Machine.State.Phase);
        Assert.Single(runner.Failures);
        Assert.True(runner.Backstop);
    }

    private static MachineRunner Runner() => new(HealPolicy.Default);

    private static NetworkServiceRequest Request()
    {
        var request = TestRequests.LastGood();
        request.Connection.Id = MachineRunner.Id;
        request.Connection.Path.PathSegments[0].Id = MachineRunner.Id;
        return request;
    }
}
