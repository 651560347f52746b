using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// A failover must not turn the NSC's "my data plane works" into "unknown": a DOWN that reaches the new activation of a
/// connection whose NSC checks its vWire restores (control plane) instead of moving the workload (chaos seed 2).
/// </summary>
public sealed class NscVerdictCarryOverTests
{
    [Fact]
    public void The_first_report_of_the_nsc_is_stored_once()
    {
        var runner = MachineRunner.ConnectedUp();

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));
        Assert.True(runner.Stored.NscChecksDataPlane);

        var writes = runner.Writes;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));
        Assert.Equal(writes, runner.Writes);
    }

    [Fact]
    public void After_a_failover_a_down_on_a_connection_whose_nsc_checks_its_vwire_restores_it()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));

        runner.ActivateAnew();
        Assert.Equal(DataPlaneVerdict.Up, runner.Machine.DataPlane);
        runner.Feed(new Triggered(HealTrigger.ConnectionDown));
        runner.Tick();

        Assert.Equal(HealDecision.Restore, runner.Stored.History[^1].Decision);
        Assert.Equal(before, runner.Stored.Connection!.NetworkServiceEndpointName);
    }

    [Fact]
    public void The_carried_over_verdict_ages_out_like_a_reported_one()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));

        runner.ActivateAnew();
        runner.Advance(HealPolicy.Default.DataPlaneVerdictLifetime + TimeSpan.FromSeconds(1));

        Assert.Equal(DataPlaneVerdict.Unknown, runner.Machine.DataPlane);
    }

    [Fact]
    public void Without_an_nsc_that_checks_a_down_after_a_failover_follows_the_policy()
    {
        var runner = MachineRunner.ConnectedUp();
        var before = runner.Machine.State.Connection!.NetworkServiceEndpointName;

        runner.ActivateAnew();
        runner.Feed(new Triggered(HealTrigger.ConnectionDown));
        runner.Tick();

        Assert.Equal(HealDecision.Reselect, runner.Stored.History[^1].Decision);
        Assert.NotEqual(before, runner.Stored.Connection!.NetworkServiceEndpointName);
    }

    [Fact]
    public void A_connection_stored_healing_carries_nothing_over()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Up, runner.Machine.State.Connection));
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Tick();
        Assert.Equal(ConnectionPhase.Healing, runner.Stored.Phase);

        runner.ActivateAnew();

        Assert.Equal(DataPlaneVerdict.Unknown, runner.Machine.DataPlane);
    }
}
