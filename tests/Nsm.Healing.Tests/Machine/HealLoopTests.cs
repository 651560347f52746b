using Nsm.Healing.Connections;
using Nsm.Healing.Custody;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// A reselect that reaches Up and loses its data plane again soon after, over and over, is a heal loop: from the
/// policy's LoopCycles cycles within LoopWindow on, the next reselect backs off and the loop is reported for quarantine.
/// </summary>
public sealed class HealLoopTests
{
    [Fact]
    public void The_third_reselect_lost_soon_after_up_backs_off_and_is_reported()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();

        // The first loss follows the first Request, not a reselect: no cycle. Each later one follows a reselect.
        for (var loss = 1; loss <= 3; loss++)
        {
            LoseDataPlane(runner);
            Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
            Assert.Empty(runner.LoopReports);
        }

        Assert.Equal(2, runner.Stored.LoopCycles.Count);
        var healsBefore = runner.Calls.Count(c => c.What == "Heal");
        var lostAt = runner.Machine.State.Connection!.NetworkServiceEndpointName;

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Healing, runner.Stored.Phase);
        Assert.Equal(healsBefore, runner.Calls.Count(c => c.What == "Heal"));
        Assert.Equal(runner.Env.Now + HealPolicy.Default.LoopBackoff, runner.WakeupAt);
        Assert.Equal(runner.WakeupAt, runner.Stored.NextAttemptAt);
        var report = Assert.Single(runner.LoopReports);
        Assert.Equal((MachineRunner.Id, lostAt, "icmp-responder"), (report.ConnectionId, report.Nse, report.NetworkService));
        Assert.Equal(3, Assert.IsType<ConnectionNote.HealLoopDetected>(Assert.Single(runner.Notes, n => n is ConnectionNote.HealLoopDetected)).Cycles);
        Assert.True(ConnectionMachine.LoopStatus(runner.Stored, runner.Env.Now).Looping);

        runner.Advance(HealPolicy.Default.LoopBackoff);
        runner.Tick();
        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(healsBefore + 1, runner.Calls.Count(c => c.What == "Heal"));
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void Each_further_cycle_doubles_the_wait()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();
        for (var loss = 1; loss <= 3; loss++)
        {
            LoseDataPlane(runner);
        }

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Advance(HealPolicy.Default.LoopBackoff);
        runner.Tick();

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));

        Assert.Equal(runner.Env.Now + 2 * HealPolicy.Default.LoopBackoff, runner.WakeupAt);
        Assert.Equal(2, runner.LoopReports.Count);
    }

    [Fact]
    public void A_loss_long_after_up_is_no_cycle()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();
        for (var loss = 1; loss <= 5; loss++)
        {
            runner.Advance(HealPolicy.Default.LoopUpWindow + TimeSpan.FromSeconds(1));
            LoseDataPlane(runner);
        }

        Assert.Empty(runner.Stored.LoopCycles);
        Assert.Empty(runner.LoopReports);
        Assert.Equal(5, runner.Calls.Count(c => c.What == "Heal"));
    }

    [Fact]
    public void An_operator_reselect_goes_at_once_past_the_loop_backoff_and_keeps_its_reason()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();
        for (var loss = 1; loss <= 4; loss++)
        {
            LoseDataPlane(runner);
        }

        Assert.Equal(ConnectionPhase.Healing, runner.Stored.Phase);
        var heals = runner.Calls.Count(c => c.What == "Heal");

        runner.Feed(new OperatorHealAsked(Reselect: true, "moving it off a bad NSE"));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Stored.Phase);
        Assert.Equal(heals + 1, runner.Calls.Count(c => c.What == "Heal"));
        var action = Assert.Single(runner.Stored.OperatorActions);
        Assert.Equal((OperatorActionKind.Reselect, "moving it off a bad NSE"), (action.Kind, action.Reason));
    }

    [Fact]
    public void A_reselect_of_a_service_with_a_quarantined_nse_names_a_healthy_one()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Env.Quarantine = new QuarantineSnapshot
        {
            Entries =
            [
                new QuarantineEntry { Kind = EndpointKind.Nse, Name = "nse-bad", NetworkServices = ["icmp-responder"], Since = runner.Env.Now, Until = runner.Env.Now.AddMinutes(10) },
            ],
            ServingEndpoints = new Dictionary<string, IReadOnlyList<string>> { ["icmp-responder"] = ["nse-bad", "nse-good"] },
        };
        runner.Connect();

        LoseDataPlane(runner);

        var reselect = runner.Calls.Single(c => c.What == "Heal");
        Assert.Equal("nse-good", reselect.Endpoint);
        Assert.Equal("nse-good", runner.Stored.Connection!.NetworkServiceEndpointName);
        Assert.Single(runner.Notes, n => n is ConnectionNote.ReselectSteered { Endpoint: "nse-good" });
    }

    private static void LoseDataPlane(MachineRunner runner)
    {
        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();
    }
}
