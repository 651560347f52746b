using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// A silo that dies mid-reselect takes the NSMgr's answer with it: the activation that takes the heal over asks the
/// NSMgr what it holds before moving the connection, so one data-plane fault moves the workload once.
/// </summary>
public sealed class TakeoverTests
{
    [Fact]
    public void A_reselect_the_nsmgr_accepted_before_its_silo_died_is_refreshed_where_it_went_not_made_again()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        DieMidReselect(runner);
        var movedTo = Assert.Single(runner.HeldAt);
        Assert.NotEqual(before, movedTo);

        TakeOver(runner);

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(movedTo, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Equal([movedTo], runner.HeldAt);
        Assert.Single(runner.Calls, c => c.Decision == HealDecision.Reselect);
        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal", "FindHeld", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Equal(HealDecision.Restore, runner.Calls[^1].Decision);
        Assert.Equal(HealDecision.Reselect, runner.Stored.History[^1].Decision);
        Assert.Equal(movedTo, runner.Stored.History[^1].EndpointAfter);
    }

    [Fact]
    public void A_reselect_carried_out_for_a_lost_attempt_at_an_nse_that_then_died_is_reselected_from_there_not_refreshed_for_ever()
    {
        var runner = MachineRunner.ConnectedUp();
        DieMidReselect(runner);
        var movedTo = Assert.Single(runner.HeldAt);
        runner.DeadNses.Add(movedTo);

        TakeOver(runner);

        // Taken where it went, and its refresh there refused: the NSE is gone.
        Assert.Equal(ConnectionPhase.Healing, runner.Stored.Phase);
        Assert.Equal(movedTo, runner.Stored.Connection!.NetworkServiceEndpointName);
        var fromTakeover = runner.Calls.Count;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        var endpoint = runner.Stored.Connection!.NetworkServiceEndpointName;
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.NotEqual(movedTo, endpoint);
        Assert.Equal([endpoint], runner.HeldAt);
        Assert.Equal(["FindHeld", "Close(BeforeReselect)", "Heal"], runner.Calls.Skip(fromTakeover).Select(c => c.What));
        Assert.Equal(movedTo, runner.Calls[fromTakeover + 1].Endpoint);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void A_reselect_whose_silo_died_before_its_request_is_made_by_the_activation_that_takes_over()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        // The claim is stored, then the silo dies before any NSMgr call.
        runner.CrashAfter(effect => effect is Persist { State.AttemptStartedAt: not null });
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();
        Assert.True(runner.Crashed);
        Assert.Equal([before], runner.HeldAt);

        TakeOver(runner);

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.NotEqual(before, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Equal(["Initial", "FindHeld", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Single(runner.HeldAt);
    }

    [Fact]
    public void An_nsmgr_that_cannot_say_what_it_holds_fails_the_attempt_and_nothing_moves_until_it_answers()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        DieMidReselect(runner);
        var movedTo = Assert.Single(runner.HeldAt);
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        TakeOver(runner);

        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        Assert.Equal("FindHeld", runner.Calls[^1].What);
        Assert.Equal(before, runner.Machine.State.Connection!.NetworkServiceEndpointName);

        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(movedTo, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Single(runner.Calls, c => c.Decision == HealDecision.Reselect);
    }

    [Fact]
    public void A_reselect_whose_result_met_another_activations_write_is_left_in_place_and_kept_by_the_activation_that_takes_over()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        // The claim and the Close are stored; another activation writes before the reselect's answer is (a duplicate activation).
        runner.WriteOutcomes = new Queue<StorageBehaviour>([StorageBehaviour.Works, StorageBehaviour.Works, StorageBehaviour.Conflicts]);
        runner.Tick();
        Assert.Equal(1, runner.StandDowns);
        var movedTo = Assert.Single(runner.HeldAt);
        Assert.NotEqual(before, movedTo);

        // The activation left holds the stored heal, whose claim it waits out (its silo is alive), then takes it over.
        runner.SettleActivation();
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(movedTo, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.DoesNotContain(runner.Calls, c => c.What == "Close(Compensate)");
        Assert.Single(runner.Calls, c => c.Decision == HealDecision.Reselect);
        Assert.Equal([movedTo], runner.HeldAt);
    }

    [Fact]
    public void A_retried_reselect_at_an_nsmgr_that_forgot_the_connection_re_teaches_it_so_the_close_reaches_the_old_nse()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        // The NSMgr is down: its answer to what it holds never comes and the attempt fails.
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();
        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);

        // It comes back having forgotten the connection; the old NSE still holds it.
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.NsmgrForgot = true;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(
            ["Initial", "FindHeld", "FindHeld", "Heal", "Close(BeforeReselect)", "Heal"],
            runner.Calls.Select(c => c.What));
        Assert.Equal([HealDecision.Restore, HealDecision.Reselect], runner.Calls.Where(c => c.What == "Heal").Select(c => c.Decision));
        Assert.Equal(before, runner.Calls[4].Endpoint);
        // The old NSE let go of it: the one place holding the connection is where the reselect went.
        Assert.Equal([runner.Stored.Connection!.NetworkServiceEndpointName], runner.HeldAt);
        Assert.NotEqual(before, runner.Stored.Connection.NetworkServiceEndpointName);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.RelearnedBeforeClose { Error: null });
    }

    [Fact]
    public void A_reselect_after_the_control_plane_was_lost_re_teaches_the_nsmgr_before_its_close()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        // The NSMgr restarted and forgot the connection; its stream's loss starts a restore, and before its first attempt
        // the NSC's data plane fails too: the heal turns reselect.
        runner.NsmgrForgot = true;
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(["Initial", "FindHeld", "Heal", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Equal([HealDecision.Restore, HealDecision.Reselect], runner.Calls.Where(c => c.What == "Heal").Select(c => c.Decision));
        Assert.Equal(before, runner.Calls[3].Endpoint);
        Assert.Equal([runner.Stored.Connection!.NetworkServiceEndpointName], runner.HeldAt);
        Assert.NotEqual(before, runner.Stored.Connection.NetworkServiceEndpointName);
        Assert.False(runner.Stored.NsmgrMayHaveForgotten);
    }

    [Fact]
    public void A_reselect_lost_with_its_silo_at_an_nsmgr_that_then_forgot_does_not_revive_the_old_connection_it_closed()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        // The old connection is closed, the reselect's Request reaches the NSMgr, and the silo dies before its answer;
        // then the NSMgr restarts and forgets it all (chaos seed 3).
        DieMidReselect(runner);
        Assert.True(runner.Stored.OldConnectionClosed);
        runner.NsmgrForgot = true;

        TakeOver(runner);

        // No restore of the old path before a second Close: it would put the closed connection back at the old NSE.
        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal", "FindHeld", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Equal(HealDecision.Reselect, runner.Calls[^1].Decision);
        Assert.DoesNotContain(runner.Calls.Skip(4), c => c.What == "Heal" && c.Endpoint == before);
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.DoesNotContain(before, runner.HeldAt);
    }

    [Fact]
    public void A_first_reselect_whose_monitor_stream_has_not_broken_since_the_last_answer_closes_then_requests()
    {
        var runner = MachineRunner.ConnectedUp();

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
    }

    [Fact]
    public void A_first_reselect_asks_the_nsmgr_what_it_holds_when_the_monitor_cannot_say()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.MonitorStreamOpenSince = null;

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(["Initial", "FindHeld", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
    }

    [Fact]
    public void A_first_reselect_asks_the_nsmgr_what_it_holds_when_the_stream_reopened_since_the_last_answer()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        // The NSMgr restarted and forgot the connection; the news of the broken stream has not reached the connection.
        runner.Advance(TimeSpan.FromSeconds(5));
        runner.NsmgrForgot = true;

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(["Initial", "FindHeld", "Heal", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Equal(before, runner.Calls[2].Endpoint);
        Assert.Equal([runner.Stored.Connection!.NetworkServiceEndpointName], runner.HeldAt);
    }

    /// <summary>The NSC reports its data plane down; the silo dies once the reselect's Request has reached the NSMgr.</summary>
    private static void DieMidReselect(MachineRunner runner)
    {
        runner.CrashAfter(effect => effect is SendRequest { Purpose: RequestPurpose.Heal });
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();
        Assert.True(runner.Crashed);
    }

    /// <summary>The new activation starts; the dead silo's claim is over, so its attempt is due at once.</summary>
    private static void TakeOver(MachineRunner runner)
    {
        runner.SettleActivation();
        runner.Tick();
    }
}
