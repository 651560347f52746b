using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// A write storage refuses rolls the machine back to what is stored, tells the caller, and undoes what the NSMgr did
/// for it; a version conflict makes the activation stand down.
/// </summary>
public sealed class WriteFailureTests
{
    [Fact]
    public void A_first_request_not_stored_is_closed_again_and_reported()
    {
        var runner = new MachineRunner(HealPolicy.Default) { Storage = StorageBehaviour.Fails };

        runner.Connect();

        Assert.Equal(ConnectionPhase.None, runner.Machine.State.Phase);
        Assert.Contains("could not be stored", Assert.Single(runner.Failures).Message);
        Assert.Equal(["Initial", "Close(Compensate)"], runner.Calls.Select(c => c.What));
        Assert.Empty(runner.HeldAt);
    }

    [Fact]
    public void A_reselect_not_stored_is_kept_and_the_heal_goes_on_as_a_restore_of_it()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        // The attempt's claim and its Close of the old connection are stored; the healed connection is not.
        runner.WriteOutcomes = new Queue<StorageBehaviour>([StorageBehaviour.Works, StorageBehaviour.Works, StorageBehaviour.Fails]);

        runner.Tick();

        var reselectedTo = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        Assert.NotEqual(before, reselectedTo);
        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        Assert.Equal(HealDecision.Restore, runner.Machine.State.CurrentHeal!.Decision);
        Assert.Equal(before, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
        Assert.Empty(runner.Failures);
        Assert.NotNull(runner.WakeupAt);

        // Storage is back: the next attempt's claim stores the new connection, and the heal restores it there.
        runner.WriteOutcomes = new Queue<StorageBehaviour>();
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(reselectedTo, runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal", "Heal"], runner.Calls.Select(c => c.What));
        Assert.DoesNotContain(runner.Calls, c => c.What == "Close(Compensate)");
    }

    [Fact]
    public void A_pause_not_stored_leaves_the_connection_up_with_its_refresh()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Storage = StorageBehaviour.Fails;

        runner.Feed(new PauseAsked("test"));

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Equal(runner.Stored.RefreshDueAt, runner.WakeupAt);
        Assert.Single(runner.Failures);
    }

    [Fact]
    public void A_resume_not_stored_leaves_the_connection_paused()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new PauseAsked("test"));
        runner.Storage = StorageBehaviour.Fails;

        runner.Feed(new ResumeAsked());

        Assert.Equal(ConnectionPhase.Paused, runner.Machine.State.Phase);
        Assert.Null(runner.WakeupAt);
        Assert.Single(runner.Failures);
    }

    [Fact]
    public void A_close_not_stored_leaves_the_connection_as_stored_and_reports_it()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Storage = StorageBehaviour.Fails;

        runner.Close();

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Contains("could not be stored", Assert.Single(runner.Failures).Message);
    }

    [Fact]
    public void An_adoption_not_stored_registers_nothing()
    {
        var runner = new MachineRunner(HealPolicy.Default) { Storage = StorageBehaviour.Fails };
        var adopted = TestRequests.LastGood();

        runner.Feed(new AdoptAsked(MachineRunner.Nsmgr, adopted, HealPolicy.Default));

        Assert.Equal(ConnectionPhase.None, runner.Machine.State.Phase);
        Assert.Single(runner.Failures);
        Assert.Empty(runner.Calls);
    }

    [Fact]
    public void A_version_conflict_makes_the_activation_stand_down_without_calling_the_nsmgr()
    {
        var runner = MachineRunner.ConnectedUp();
        var calls = runner.Calls.Count;
        runner.Storage = StorageBehaviour.Conflicts;

        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        Assert.Equal(1, runner.StandDowns);
        Assert.Equal(calls, runner.Calls.Count);
        Assert.Empty(runner.Granted);
    }
}
