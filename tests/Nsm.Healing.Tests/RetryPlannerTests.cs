using Microsoft.Extensions.Time.Testing;
using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class RetryPlannerTests
{
    private static readonly HealPolicy Policy = HealPolicy.Default with
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(100),
        MaxRetryDelay = TimeSpan.FromSeconds(10),
        Jitter = false,
        MaxAttempts = 0,
        HealDeadline = TimeSpan.FromMinutes(10),
        RestoreAttemptsBeforeReselect = 3,
        RestoreTimeBeforeReselect = TimeSpan.FromSeconds(30),
    };

    private readonly FakeTimeProvider _time = new(TestRequests.IssuedAt);
    private readonly DateTimeOffset _healStartedAt;

    public RetryPlannerTests() => _healStartedAt = _time.GetUtcNow();

    [Fact]
    public void A_failed_attempt_is_retried_after_the_backoff_delay()
    {
        _time.Advance(TimeSpan.FromSeconds(1));

        var plan = Plan(HealDecision.Reselect, failedAttempts: 3, Policy);

        Assert.Equal(new RetryPlan.RetryAfter(TimeSpan.FromMilliseconds(400)), plan);
    }

    [Fact]
    public void The_retry_delay_is_jittered_with_the_given_draw()
    {
        var jittered = Policy with { Jitter = true };

        var plan = Plan(HealDecision.Reselect, failedAttempts: 3, jittered, unitFraction: 0.25);

        Assert.Equal(new RetryPlan.RetryAfter(Backoff.Delay(jittered, 3, 0.25)), plan);
        Assert.Equal(new RetryPlan.RetryAfter(TimeSpan.FromMilliseconds(100)), plan);
    }

    [Fact]
    public void Gives_up_when_the_attempts_run_out()
    {
        var limited = Policy with { MaxAttempts = 4 };

        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Reselect, failedAttempts: 3, limited));
        var giveUp = Assert.IsType<RetryPlan.GiveUp>(Plan(HealDecision.Reselect, failedAttempts: 4, limited));
        Assert.Contains("4 failed attempts", giveUp.Reason);
        Assert.Contains("MaxAttempts=4", giveUp.Reason);
    }

    [Fact]
    public void Zero_max_attempts_never_gives_up_on_count() =>
        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Reselect, failedAttempts: 1_000_000, Policy));

    [Fact]
    public void Gives_up_when_the_heal_deadline_passes()
    {
        _time.Advance(Policy.HealDeadline - TimeSpan.FromTicks(1));
        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Reselect, failedAttempts: 50, Policy));

        _time.Advance(TimeSpan.FromTicks(1));
        var giveUp = Assert.IsType<RetryPlan.GiveUp>(Plan(HealDecision.Reselect, failedAttempts: 51, Policy));
        Assert.Contains("HealDeadline", giveUp.Reason);
    }

    [Fact]
    public void A_zero_deadline_never_gives_up_on_time()
    {
        _time.Advance(TimeSpan.FromDays(365));

        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Reselect, failedAttempts: 50, Policy with { HealDeadline = TimeSpan.Zero }));
    }

    [Fact]
    public void A_restore_escalates_after_enough_rejected_restores()
    {
        var firstRejection = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Restore, failedAttempts: 2, Policy, rejectedRestores: 2, firstRejection));
        var escalate = Assert.IsType<RetryPlan.EscalateToReselect>(Plan(HealDecision.Restore, failedAttempts: 3, Policy, rejectedRestores: 3, firstRejection));
        Assert.Contains("RestoreAttemptsBeforeReselect=3", escalate.Reason);
    }

    [Fact]
    public void A_restore_escalates_once_rejections_have_lasted_long_enough()
    {
        var firstRejection = _time.GetUtcNow();

        _time.Advance(Policy.RestoreTimeBeforeReselect - TimeSpan.FromTicks(1));
        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Restore, failedAttempts: 2, Policy, rejectedRestores: 1, firstRejection));

        _time.Advance(TimeSpan.FromTicks(1));
        var escalate = Assert.IsType<RetryPlan.EscalateToReselect>(Plan(HealDecision.Restore, failedAttempts: 3, Policy, rejectedRestores: 1, firstRejection));
        Assert.Contains("RestoreTimeBeforeReselect", escalate.Reason);
    }

    [Fact]
    public void A_rejected_restore_escalates_when_the_data_plane_is_known_down()
    {
        var firstRejection = _time.GetUtcNow();

        var plan = Plan(HealDecision.Restore, failedAttempts: 3, Policy, rejectedRestores: 3, firstRejection, DataPlaneVerdict.Down);

        Assert.IsType<RetryPlan.EscalateToReselect>(plan);
    }

    [Fact]
    public void A_restore_is_never_escalated_while_the_data_plane_is_known_to_work()
    {
        // Upstream's DatapathHealthy_CtrlPlaneBroken: moving would break a working vWire.
        var firstRejection = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(5));

        var plan = Plan(HealDecision.Restore, failedAttempts: 100, Policy, rejectedRestores: 100, firstRejection, DataPlaneVerdict.Up);

        Assert.IsType<RetryPlan.RetryAfter>(plan);
    }

    [Fact]
    public void A_restore_the_NSMgr_never_rejected_is_never_escalated()
    {
        // NSMgr merely unreachable, far longer and more often than any escalation threshold: control plane down must not move the endpoint.
        _time.Advance(TimeSpan.FromMinutes(9));

        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Restore, failedAttempts: 500, Policy, rejectedRestores: 0, firstRejectionAt: null));
    }

    [Fact]
    public void A_reselect_is_never_escalated()
    {
        var firstRejection = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMinutes(5));

        Assert.IsType<RetryPlan.RetryAfter>(Plan(HealDecision.Reselect, failedAttempts: 100, Policy, rejectedRestores: 100, firstRejection));
    }

    [Fact]
    public void Running_out_of_attempts_is_checked_before_the_deadline()
    {
        _time.Advance(Policy.HealDeadline);

        var giveUp = Assert.IsType<RetryPlan.GiveUp>(Plan(HealDecision.Restore, failedAttempts: 5, Policy with { MaxAttempts = 5 }));

        Assert.Contains("MaxAttempts", giveUp.Reason);
    }

    [Fact]
    public void Giving_up_on_attempts_wins_over_escalating()
    {
        var firstRejection = _time.GetUtcNow();

        var plan = Plan(HealDecision.Restore, failedAttempts: 3, Policy with { MaxAttempts = 3 }, rejectedRestores: 3, firstRejection);

        Assert.IsType<RetryPlan.GiveUp>(plan);
    }

    [Fact]
    public void Giving_up_on_the_deadline_wins_over_escalating()
    {
        var firstRejection = _time.GetUtcNow();
        _time.Advance(Policy.HealDeadline);

        var giveUp = Assert.IsType<RetryPlan.GiveUp>(Plan(HealDecision.Restore, failedAttempts: 3, Policy, rejectedRestores: 3, firstRejection));

        Assert.Contains("HealDeadline", giveUp.Reason);
    }

    [Theory]
    [InlineData("PermissionDenied", HealDecision.Restore)]
    [InlineData("Unauthenticated", HealDecision.Restore)]
    [InlineData("PermissionDenied", HealDecision.Reselect)]
    public void An_identity_failure_holds_past_every_limit_that_would_move_or_fail_the_connection(string status, HealDecision decision)
    {
        var strict = Policy with { MaxAttempts = 3 };
        var firstRejection = _time.GetUtcNow();
        _time.Advance(strict.HealDeadline + strict.RestoreTimeBeforeReselect);

        var plan = Plan(decision, failedAttempts: 5, strict, rejectedRestores: 5, firstRejection, DataPlaneVerdict.Down, failure: (status, "no sufficient privileges"));

        var hold = Assert.IsType<RetryPlan.HoldForIdentity>(plan);
        Assert.Equal("identity unavailable: no sufficient privileges", hold.Reason);
        Assert.Equal(Backoff.Delay(strict, 5, 0.5), hold.Delay);
    }

    [Theory]
    [InlineData("Unavailable")]
    [InlineData("NotFound")]
    [InlineData("Internal")]
    public void Any_other_failure_is_planned_as_before(string status)
    {
        var plan = Plan(HealDecision.Restore, failedAttempts: 3, Policy, rejectedRestores: 3, _time.GetUtcNow(), failure: (status, "x"));

        Assert.IsType<RetryPlan.EscalateToReselect>(plan);
    }

    private RetryPlan Plan(
        HealDecision decision, int failedAttempts, HealPolicy policy, int rejectedRestores = 0, DateTimeOffset? firstRejectionAt = null,
        DataPlaneVerdict dataPlane = DataPlaneVerdict.Unknown, double unitFraction = 0.5, (string StatusCode, string Message)? failure = null) =>
        RetryPlanner.AfterFailure(decision, failedAttempts, rejectedRestores, firstRejectionAt, _healStartedAt, dataPlane, _time.GetUtcNow(), policy, unitFraction, failure);
}
