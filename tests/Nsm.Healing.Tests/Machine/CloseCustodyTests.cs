using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// A final Close the NSMgr does not confirm is retried with backoff, durably, while our last token is valid; when no
/// Close is confirmed before it expires, the connection is Abandoned, visibly.
/// </summary>
public sealed class CloseCustodyTests
{
    private static readonly TimeSpan OwnToken = TimeSpan.FromMinutes(3);

    [Fact]
    public void An_unconfirmed_close_is_stored_with_its_retry_and_retried_until_the_nsmgr_confirms_it()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Close();

        Assert.Empty(runner.Failures);
        Assert.Equal(ConnectionPhase.Closing, runner.Stored.Phase);
        Assert.Equal(1, runner.Stored.UnconfirmedCloses);
        Assert.Equal(runner.Stored.TokenExpiresAt, runner.Stored.CloseDeadline);
        Assert.Equal(runner.Stored.NextAttemptAt, runner.WakeupAt);
        Assert.True(runner.Backstop, "the retry survives the silo: a reminder backs it");

        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.Equal("closed by the NSC", runner.Stored.Reason);
        // The NSMgr did not answer: it may have restarted and forgotten the connection, so a restore re-teaches it first.
        Assert.Equal(["Initial", "Close(Final)", "Relearn", "Close(Final)"], runner.Calls.Select(c => c.What));
        Assert.False(runner.Backstop);
        Assert.Null(runner.WakeupAt);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void A_restore_the_nsmgr_did_not_answer_holds_its_close_back_to_the_next_try_when_the_nsmgr_is_back()
    {
        var runner = Runner();
        runner.Connect();
        // The NSMgr restarts: it forgets the connection, its NSE keeps it; the restore heal finds it down.
        runner.NsmgrForgot = true;
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        // The NSC closes. The NSMgr is still down for the restore that would re-teach it, and back right after: a Close
        // now would find it forgot the connection and pass nothing on to the NSE.
        runner.NextCalls.Enqueue(NsmgrBehaviour.Unreachable);
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;

        runner.Close();

        Assert.Equal("Relearn", runner.Calls[^1].What);
        Assert.Equal(ConnectionPhase.Closing, runner.Stored.Phase);
        Assert.Equal(1, runner.Stored.UnconfirmedCloses);
        Assert.Equal(runner.Stored.NextAttemptAt, runner.WakeupAt);

        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(["Relearn", "Relearn", "Close(Final)"], runner.Calls.Where(c => !c.What.StartsWith("Heal", StringComparison.Ordinal)).Skip(1).Select(c => c.What));
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.Empty(runner.HeldAt);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void A_close_refused_on_identity_is_retried_too()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Rejects;

        runner.Close();

        // The runner's NSMgr answers NotFound: an answer about the Close itself, nothing of ours left there.
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.False(runner.Backstop);
    }

    [Fact]
    public void A_close_never_confirmed_before_our_token_expires_ends_abandoned_with_every_try_inside_the_window()
    {
        var runner = Runner();
        runner.Connect();
        var expiresAt = runner.Machine.State.TokenExpiresAt!.Value;
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Close();
        while (runner.Machine.State.Phase == ConnectionPhase.Closing)
        {
            runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
            runner.Tick();
        }

        Assert.Equal(ConnectionPhase.Abandoned, runner.Stored.Phase);
        Assert.Equal($"Close not confirmed before token expiry at {expiresAt:O}", runner.Stored.Reason);
        // Each retry begins with the restore that re-teaches the NSMgr; none was answered, so no Close followed one.
        var tries = runner.Calls.Where(c => c.What is "Close(Final)" or "Relearn").ToList();
        Assert.Equal(["Close(Final)", .. Enumerable.Repeat("Relearn", tries.Count - 1)], tries.Select(c => c.What));
        Assert.True(tries.Count > 3, $"retried with backoff, saw {tries.Count} tries");
        Assert.All(runner.Calls, call => Assert.True(call.At < expiresAt, $"{call.What} at {call.At:O}, after the token expired at {expiresAt:O}"));
        var abandoned = Assert.IsType<ConnectionNote.CloseAbandoned>(Assert.Single(runner.Notes, n => n is ConnectionNote.CloseAbandoned));
        Assert.Equal(tries.Count, abandoned.Attempts);
        Assert.DoesNotContain(runner.Notes, n => n is ConnectionNote.CloseTooLate);
        Assert.False(runner.Backstop);
        Assert.Null(runner.WakeupAt);
        Assert.Empty(runner.Violations);
    }

    [Fact]
    public void A_close_asked_after_our_token_expired_that_fails_is_abandoned_at_once()
    {
        var runner = Runner();
        runner.Connect();
        runner.Feed(new PauseAsked("maintenance"));
        runner.Advance(OwnToken + TimeSpan.FromSeconds(1));
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;

        runner.Close();

        Assert.Equal(ConnectionPhase.Abandoned, runner.Stored.Phase);
        Assert.Single(runner.Calls, c => c.What == "Close(Final)");
        Assert.Single(runner.Notes, n => n is ConnectionNote.CloseTooLate);
        Assert.Empty(runner.Failures);
    }

    [Fact]
    public void The_nsmgr_coming_back_retries_the_close_at_once()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Close();
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;

        runner.Feed(new ControlPlaneRestored());

        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.Equal(2, runner.Calls.Count(c => c.What == "Close(Final)"));
    }

    [Fact]
    public void A_new_activation_resumes_the_retry_from_what_is_stored()
    {
        var runner = Runner();
        runner.Connect();
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        runner.Close();
        var retryAt = runner.Stored.NextAttemptAt!.Value;
        var resumed = new MachineRunner(HealPolicy.Default);
        var machine = new ConnectionMachine(MachineRunner.Id, runner.Stored, resumed.Env);
        resumed.Env.Now = runner.Env.Now;

        var effects = machine.Handle(new Activated());

        Assert.Equal(retryAt, Assert.IsType<ConnectionEffect.ScheduleWakeup>(Assert.Single(effects)).At);
        Assert.Equal(retryAt, Assert.IsType<ConnectionEffect.ScheduleWakeup>(Assert.Single(machine.Handle(new BackstopTick()))).At);
    }

    private static MachineRunner Runner() => new(HealPolicy.Default) { TokenValidFor = OwnToken };
}
