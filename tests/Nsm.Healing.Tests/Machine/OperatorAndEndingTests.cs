using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>A heal that gave up is closed at the NSMgr like any other ending; an operator's forced Close ends Closed
/// even unconfirmed, saying so.</summary>
public sealed class OperatorAndEndingTests
{
    [Fact]
    public void A_heal_that_gives_up_closes_its_connection_at_the_nsmgr_and_rests_failed()
    {
        var runner = new MachineRunner(HealPolicy.Default with { MaxAttempts = 1 }) { TokenValidFor = TimeSpan.FromMinutes(3) };
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Rejects;

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal", "Close(Final)"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Failed, runner.Stored.Phase);
        Assert.StartsWith("gave up after 1 failed attempts", runner.Stored.Reason, StringComparison.Ordinal);
        Assert.Null(runner.Stored.EndsAs);
        Assert.Equal(HealOutcome.Failed, runner.Stored.History[^1].Outcome);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void The_close_of_a_heal_that_gave_up_is_retried_inside_the_token_window()
    {
        var runner = new MachineRunner(HealPolicy.Default with { MaxAttempts = 1 }) { TokenValidFor = TimeSpan.FromMinutes(3) };
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Closing, runner.Stored.Phase);
        Assert.Equal(ConnectionPhase.Failed, runner.Stored.EndsAs);
        Assert.True(runner.Backstop);

        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Failed, runner.Stored.Phase);
        Assert.Equal(2, runner.Calls.Count(c => c.What == "Close(Final)"));
        Assert.False(runner.Backstop);
    }

    [Fact]
    public void A_forced_close_the_nsmgr_does_not_confirm_ends_closed_and_says_it_was_forced()
    {
        var runner = new MachineRunner(HealPolicy.Default) { TokenValidFor = TimeSpan.FromMinutes(3) };
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Feed(new CloseAsked("force-closed by an operator: NSMgr gone for good", "NSMgr gone for good", Forced: true));

        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.True(runner.Stored.CloseForced);
        Assert.Contains("forced: the NSMgr did not confirm the Close", runner.Stored.Reason);
        var action = Assert.Single(runner.Stored.OperatorActions);
        Assert.Equal((OperatorActionKind.ForceClose, "NSMgr gone for good"), (action.Kind, action.Reason));
        Assert.NotNull(action.Outcome);
        Assert.Single(runner.Calls, c => c.What == "Close(Final)");
        Assert.Single(runner.Notes, n => n is ConnectionNote.CloseForced);
        Assert.False(runner.Backstop);
        Assert.Null(runner.WakeupAt);
    }

    [Fact]
    public void An_operator_close_without_force_is_retried_like_the_nscs()
    {
        var runner = new MachineRunner(HealPolicy.Default) { TokenValidFor = TimeSpan.FromMinutes(3) };
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Feed(new CloseAsked("closed by an operator: drain", "drain"));

        Assert.Equal(ConnectionPhase.Closing, runner.Stored.Phase);
        Assert.False(runner.Stored.CloseForced);
        Assert.Equal(OperatorActionKind.Close, Assert.Single(runner.Stored.OperatorActions).Kind);
    }

    [Fact]
    public void A_forced_close_the_nsmgr_confirms_is_a_plain_close()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();

        runner.Feed(new CloseAsked("force-closed by an operator: x", "x", Forced: true));

        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.False(runner.Stored.CloseForced);
    }
}
