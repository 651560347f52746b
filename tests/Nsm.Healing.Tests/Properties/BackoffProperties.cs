using CsCheck;
using Nsm.Healing.Decisions;
using Xunit.Abstractions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>Backoff bounds and the escalation rule of <see cref="RetryPlanner"/> for any valid policy.</summary>
public sealed class BackoffProperties(ITestOutputHelper output)
{
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_bound_never_shrinks_with_more_failures_and_stays_within_the_cap() =>
        Gen.Select(Generators.Policy, Gen.Frequency((3, Gen.Int[0, 64]), (1, Gen.Int[0, int.MaxValue - 1])))
        .Sample((policy, failures) =>
        {
            var bound = Backoff.Bound(policy, failures);
            var next = Backoff.Bound(policy, failures + 1);

            Assert.InRange(bound, TimeSpan.Zero, policy.MaxRetryDelay);
            Assert.InRange(next, bound, policy.MaxRetryDelay);
            Assert.True(bound >= TimeSpan.Zero && next <= policy.MaxRetryDelay, $"bound {bound}, next {next}");
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void A_delay_lies_between_zero_and_its_bound() =>
        Gen.Select(Generators.Policy, Gen.Int[0, int.MaxValue], Gen.Double[0.0, 0.999_999_999])
        .Sample((policy, failures, fraction) =>
            Assert.InRange(Backoff.Delay(policy, failures, fraction), TimeSpan.Zero, Backoff.Bound(policy, failures)),
            iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void The_first_bound_is_the_first_retry_delay() =>
        Generators.Policy.Sample(policy =>
        {
            Assert.Equal(policy.FirstRetryDelay, Backoff.Bound(policy, 1));
            Assert.Equal(policy.FirstRetryDelay, Backoff.Bound(policy, 0));
        }, iter: Generators.Iterations, writeLine: output.WriteLine);

    [Fact]
    public void A_restore_never_escalates_while_the_data_plane_is_up_or_nothing_was_rejected() =>
        (from policy in Generators.Policy
         from decision in Gen.OneOf(HealDecision.Restore, HealDecision.Reselect)
         from failures in Gen.Int[1, 1_000]
         from rejected in Gen.Int[0, 1_000]
         from rejectedAgoMs in Gen.Int[0, 3_600_000]
         from healAgoMs in Gen.Int[0, 7_200_000]
         from dataPlane in Gen.Enum<DataPlaneVerdict>()
         from fraction in Gen.Double[0.0, 0.999_999_999]
         select (policy, decision, failures, rejected, rejectedAgoMs, healAgoMs, dataPlane, fraction))
        .Sample(c =>
        {
            var now = Start.AddHours(3);
            DateTimeOffset? firstRejection = c.rejected == 0 ? null : now.AddMilliseconds(-c.rejectedAgoMs);
            var plan = RetryPlanner.AfterFailure(
                c.decision, c.failures, c.rejected, firstRejection, now.AddMilliseconds(-c.healAgoMs), c.dataPlane, now, c.policy, c.fraction);

            if (c.dataPlane == DataPlaneVerdict.Up || c.rejected == 0 || c.decision == HealDecision.Reselect)
            {
                Assert.IsNotType<RetryPlan.EscalateToReselect>(plan);
            }

            switch (plan)
            {
                case RetryPlan.RetryAfter retry:
                    Assert.InRange(retry.Delay, TimeSpan.Zero, c.policy.MaxRetryDelay);
                    break;
                case RetryPlan.GiveUp giveUp:
                    Assert.True(giveUp.Reason.Contains("MaxAttempts", StringComparison.Ordinal) || giveUp.Reason.Contains("HealDeadline", StringComparison.Ordinal), giveUp.Reason);
                    break;
            }
        }, iter: Generators.Iterations, writeLine: output.WriteLine);
}
