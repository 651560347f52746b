using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>
/// The NSMgr holds a connection on the token we last sent and times it out when it expires: refreshes come before it
/// whatever the path says, and a Close after it is sent all the same but recorded as too late.
/// </summary>
public sealed class TokenWindowTests
{
    // The path the NSMgr answers with expires in 10 min (MachineRunner); our own token sooner.
    private static readonly TimeSpan OwnToken = TimeSpan.FromMinutes(3);

    [Fact]
    public void The_refresh_comes_before_the_token_we_sent_expires_though_the_path_expires_later()
    {
        var runner = Runner();
        var requestedAt = runner.Env.Now;

        runner.Connect();

        Assert.Equal(requestedAt + OwnToken, runner.Machine.State.TokenExpiresAt);
        Assert.Equal(requestedAt + OwnToken * HealPolicy.Default.RefreshFraction, runner.Machine.State.RefreshDueAt);
        runner.Advance(OwnToken * HealPolicy.Default.RefreshFraction);
        runner.Tick();
        Assert.Equal(["Initial", "Refresh"], runner.Calls.Select(c => c.What));
        Assert.Equal(runner.Env.Now + OwnToken, runner.Machine.State.TokenExpiresAt);
    }

    [Fact]
    public void A_heal_that_succeeds_takes_the_window_of_its_own_token()
    {
        var runner = Runner();
        runner.Connect();
        runner.Advance(TimeSpan.FromSeconds(20));

        runner.Feed(new Triggered(HealTrigger.ControlPlaneLost));
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Equal(runner.Env.Now + OwnToken, runner.Machine.State.TokenExpiresAt);
        Assert.Equal(runner.Env.Now + OwnToken * HealPolicy.Default.RefreshFraction, runner.Machine.State.RefreshDueAt);
    }

    [Fact]
    public void Without_a_token_from_the_client_our_own_path_segment_says_when_it_expires()
    {
        var runner = new MachineRunner(HealPolicy.Default);

        runner.Connect();

        Assert.Equal(runner.Machine.State.Connection!.Path.PathSegments[0].Expires.ToDateTimeOffset(), runner.Machine.State.TokenExpiresAt);
    }

    [Fact]
    public void A_close_inside_the_window_is_in_time()
    {
        var runner = Runner();
        runner.Connect();
        runner.Advance(OwnToken - TimeSpan.FromSeconds(1));

        runner.Close();

        Assert.Equal(ConnectionPhase.Closed, runner.Machine.State.Phase);
        Assert.Equal("closed by the NSC", runner.Machine.State.Reason);
        Assert.DoesNotContain(runner.Notes, n => n is ConnectionNote.CloseTooLate);
    }

    [Fact]
    public void A_close_after_our_token_expired_is_sent_and_recorded_as_too_late()
    {
        var runner = Runner();
        runner.Connect();
        var expiredAt = runner.Machine.State.TokenExpiresAt!.Value;
        // The NSMgr is gone: the refresh fails, and the restores fail until the token has run out.
        runner.NsmgrAnswers = NsmgrBehaviour.Unreachable;
        while (runner.Env.Now <= expiredAt)
        {
            runner.Advance(TimeSpan.FromSeconds(10));
            runner.Tick();
        }

        // It answers again just as the NSC closes: the Close is confirmed, too late.
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Close();

        Assert.Equal("Close(Final)", runner.Calls[^1].What);
        Assert.Equal(ConnectionPhase.Closed, runner.Stored.Phase);
        Assert.Equal($"closed by the NSC; too late: the Close went out after our last token expired at {expiredAt:O}", runner.Stored.Reason);
        var late = Assert.IsType<ConnectionNote.CloseTooLate>(Assert.Single(runner.Notes, n => n is ConnectionNote.CloseTooLate));
        Assert.Equal(ClosePurpose.Final, late.Purpose);
        Assert.Equal(expiredAt, late.TokenExpiredAt);
    }

    [Fact]
    public void A_close_before_reselect_after_our_token_expired_is_recorded_as_too_late()
    {
        var runner = Runner();
        runner.Connect();
        var expiredAt = runner.Machine.State.TokenExpiresAt!.Value;
        runner.Feed(new PauseAsked("maintenance"));
        runner.Advance(OwnToken + TimeSpan.FromSeconds(1));
        runner.Feed(new ResumeAsked());

        runner.Feed(new DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
        runner.Tick();

        Assert.Equal(["Initial", "Close(BeforeReselect)", "Heal"], runner.Calls.Select(c => c.What));
        var late = Assert.IsType<ConnectionNote.CloseTooLate>(Assert.Single(runner.Notes, n => n is ConnectionNote.CloseTooLate));
        Assert.Equal(ClosePurpose.BeforeReselect, late.Purpose);
        Assert.Equal(expiredAt, late.TokenExpiredAt);
        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Equal(runner.Env.Now + OwnToken, runner.Machine.State.TokenExpiresAt);
    }

    private static MachineRunner Runner() => new(HealPolicy.Default) { TokenValidFor = OwnToken };
}
