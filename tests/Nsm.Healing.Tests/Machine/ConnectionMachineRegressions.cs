using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>Minimal counterexamples the connection properties once found, replayed on the shipped machine.</summary>
public sealed class ConnectionMachineRegressions
{
    /// <summary>Was: a later stream loss overwrote the remembered Down, the restore succeeded on a dead vWire, and
    /// repeated Down reports were ignored because the verdict had not changed.</summary>
    [Fact]
    public void A_down_report_while_paused_mid_restore_is_not_lost_to_a_later_stream_loss()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Feed(new PauseAsked("test"));
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Feed(new ResumeAsked());
        runner.Tick();

        // The NSC keeps saying the vWire is dead.
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));

        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        Assert.Equal(HealDecision.Reselect, runner.Machine.State.CurrentHeal!.Decision);
    }

    /// <summary>Was: the remembered Down was replayed at resume although the NSC had reported Up since.</summary>
    [Fact]
    public void A_down_report_while_paused_that_the_nsc_took_back_does_not_reselect()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new PauseAsked("test"));
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));
        runner.Feed(new ResumeAsked());

        Assert.Equal(DataPlaneVerdict.Up, runner.Machine.DataPlane);
        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.DoesNotContain(runner.Calls, c => c.Decision == HealDecision.Reselect);
    }
}
