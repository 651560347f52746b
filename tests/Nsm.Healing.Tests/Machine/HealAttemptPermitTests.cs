using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// <see cref="HealAttempt"/> hands every permit back exactly once, the one way its reason calls for: served (the NSMgr
/// answered, if with an error), failed at the NSMgr (no answer), unused, cancelled by the NSC's Close.
/// </summary>
public sealed class HealAttemptPermitTests
{
    [Fact]
    public void A_heal_the_nsmgr_served_releases_its_permit_as_served()
    {
        var runner = MachineRunner.ConnectedUp();

        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Equal([PermitReturn.Served], runner.ReturnReasons);
    }

    [Fact]
    public void A_heal_the_nsmgr_rejected_releases_its_permit_as_served()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.NsmgrAnswers = NsmgrBehaviour.Rejects;

        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        Assert.Equal([PermitReturn.Served], runner.ReturnReasons);
    }

    [Fact]
    public void A_heal_the_nsmgr_did_not_answer_releases_its_permit_as_failed_at_the_nsmgr()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        Assert.Equal([PermitReturn.FailedAtNsmgr], runner.ReturnReasons);
    }

    [Fact]
    public void A_permit_whose_claim_could_not_be_stored_goes_back_unused()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Storage = StorageBehaviour.Fails;

        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        Assert.DoesNotContain(runner.Calls, c => c.What == "Heal");
        Assert.Equal([PermitReturn.Unused], runner.ReturnReasons);
        Assert.NotNull(runner.WakeupAt);
    }

    [Fact]
    public void A_permit_granted_after_the_heal_ended_goes_back_unused()
    {
        var runner = MachineRunner.ConnectedUp();

        runner.Feed(new HealAdmitted());

        Assert.Equal([PermitReturn.Unused], runner.ReturnReasons);
    }

    [Fact]
    public void A_place_in_the_queue_goes_back_unused_when_a_standing_permit_serves_the_heal()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.AdmissionFree = false;
        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();
        Assert.True(runner.Queued);

        runner.StandingPermitOnHand = true;
        runner.Advance(TimeSpan.FromSeconds(2));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.False(runner.Queued);
        Assert.Equal([PermitReturn.Unused, PermitReturn.Served], runner.ReturnReasons);
    }

    [Fact]
    public void A_close_that_cuts_a_heal_short_hands_its_permit_back_as_cancelled()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.CloseDuringNextCall();

        runner.Tick();

        Assert.Equal(ConnectionPhase.Closed, runner.Machine.State.Phase);
        Assert.Equal([PermitReturn.CancelledByClose], runner.ReturnReasons);
    }

    [Fact]
    public void A_close_while_the_heal_waits_at_the_admission_gives_its_place_back_as_cancelled()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.AdmissionFree = false;
        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        runner.Close();

        Assert.False(runner.Queued);
        Assert.Equal([PermitReturn.CancelledByClose], runner.ReturnReasons);
    }

    [Fact]
    public void A_pause_while_the_heal_holds_a_granted_permit_gives_it_back_unused()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.AdmissionFree = false;
        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();
        runner.AdmissionGrants();

        runner.Feed(new PauseAsked("test"));

        Assert.Empty(runner.Granted);
        Assert.Equal([PermitReturn.Unused], runner.ReturnReasons);
    }
}
