using Nsm.Api;
using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// Verified cleanup in the machine: a Close that may meet an NSMgr which forgot the connection re-teaches it first, and
/// an orphan the monitor's audit reports is closed when, and only when, the grain does not own the connection.
/// </summary>
public sealed class VerifiedCleanupTests
{
    [Fact]
    public void A_close_of_an_up_connection_is_one_close()
    {
        var runner = Runner();
        runner.Connect();

        runner.Close();

        Assert.Equal(["Initial", "Close(Final)"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
    }

    [Fact]
    public void A_close_while_a_restore_heal_is_under_way_re_teaches_the_nsmgr_first_then_closes_at_the_same_endpoint()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;

        runner.Close();

        Assert.Equal(["Relearn", "Close(Final)"], runner.Calls.Where(c => !c.What.StartsWith("Heal", StringComparison.Ordinal)).Skip(1).Select(c => c.What));
        Assert.Equal(["nse-1", "nse-1"], runner.Calls.TakeLast(2).Select(c => c.Endpoint));
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.Empty(runner.HeldAt);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.RelearnedBeforeClose { Error: null });
        Assert.Empty(runner.Failures);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void A_restore_the_nsmgr_refuses_before_the_close_does_not_keep_the_close_from_going_out()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Close();
        runner.NsmgrAnswers = NsmgrBehaviour.Rejects;

        runner.Feed(new ControlPlaneRestored());

        Assert.Equal(["Initial", "Close(Final)", "Relearn", "Close(Final)"], runner.Calls.Select(c => c.What));
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
    }

    [Fact]
    public void An_orphan_under_an_id_with_no_state_is_closed_at_the_nsmgr_that_showed_it_and_nothing_is_stored()
    {
        var runner = Runner();

        runner.Feed(new OrphanSuspected("tcp://nsmgr-b:5001", Seen(runner)));

        var close = Assert.Single(runner.Calls);
        Assert.Equal(("Close(Orphan)", "nse-7"), (close.What, close.Endpoint));
        Assert.Equal(OrphanVerdict.Closed, runner.Machine.OrphanVerdict);
        Assert.Equal(ConnectionPhase.None, runner.Stored.Phase);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.OrphanClosed { NsmgrAddress: "tcp://nsmgr-b:5001", Endpoint: "nse-7" });
    }

    [Fact]
    public void An_orphans_close_speaks_as_the_nsc_whatever_id_the_nsmgrs_view_carries()
    {
        var env = new FakeEnvironment();
        var machine = new ConnectionMachine(MachineRunner.Id, new ConnectionState(), env);

        var effects = machine.Handle(new OrphanSuspected(MachineRunner.Nsmgr, Seen(new MachineRunner(HealPolicy.Default))));

        var close = Assert.IsType<ConnectionEffect.SendClose>(Assert.Single(effects));
        Assert.Equal((ClosePurpose.Orphan, MachineRunner.Id, 0u), (close.Purpose, close.Connection.Id, close.Connection.Path.Index));
    }

    [Fact]
    public void A_connection_the_grain_closed_that_the_nsmgr_still_shows_is_closed_again()
    {
        var runner = Runner();
        runner.Connect();
        runner.Close();

        runner.Feed(new OrphanSuspected(MachineRunner.Nsmgr, Seen(runner)));

        Assert.Equal(["Initial", "Close(Final)", "Close(Orphan)"], runner.Calls.Select(c => c.What));
        Assert.Equal(OrphanVerdict.Closed, runner.Machine.OrphanVerdict);
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_connection_the_grain_owns_is_no_orphan(bool closing)
    {
        var runner = Runner();
        runner.Connect();
        if (closing)
        {
            runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
            runner.Close();
            runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        }

        var calls = runner.Calls.Count;
        runner.Feed(new OrphanSuspected(MachineRunner.Nsmgr, Seen(runner)));

        Assert.Equal(calls, runner.Calls.Count);
        Assert.Equal(OrphanVerdict.Owned, runner.Machine.OrphanVerdict);
    }

    [Fact]
    public void An_orphan_whose_token_expired_is_left_to_the_nsmgr()
    {
        var runner = Runner();

        runner.Feed(new OrphanSuspected(MachineRunner.Nsmgr, Seen(runner, expiresIn: TimeSpan.FromSeconds(-1))));

        Assert.Empty(runner.Calls);
        Assert.Equal(OrphanVerdict.TooLate, runner.Machine.OrphanVerdict);
        Assert.Contains(runner.Notes, n => n is ConnectionNote.OrphanTooLate);
    }

    [Fact]
    public void An_orphan_whose_close_fails_is_reported_for_the_next_audit()
    {
        var runner = Runner();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Feed(new OrphanSuspected(MachineRunner.Nsmgr, Seen(runner)));

        Assert.Single(runner.Calls);
        Assert.Equal(OrphanVerdict.CloseFailed, runner.Machine.OrphanVerdict);
        Assert.Equal(ConnectionPhase.None, runner.Machine.State.Phase);
        Assert.Null(runner.WakeupAt);
    }

    private static MachineRunner Runner() => new(HealPolicy.Default);

    /// <summary>The connection as the NSMgr's snapshot shows it: at its own index, with its own id, trimmed of tokens.</summary>
    private static Connection Seen(MachineRunner runner, TimeSpan? expiresIn = null)
    {
        var seen = TestRequests.LastGood().Connection;
        seen.Id = seen.Path.PathSegments[1].Id;
        seen.Path.Index = 1;
        seen.NetworkServiceEndpointName = "nse-7";
        seen.Path.PathSegments[0].Id = MachineRunner.Id;
        foreach (var segment in seen.Path.PathSegments)
        {
            segment.Token = "";
            segment.Expires = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(runner.Env.Now + (expiresIn ?? TimeSpan.FromMinutes(5)));
        }

        return seen;
    }
}
