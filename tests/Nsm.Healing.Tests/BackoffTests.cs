using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class BackoffTests
{
    private static readonly HealPolicy NoJitter = HealPolicy.Default with
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(150),
        MaxRetryDelay = TimeSpan.FromSeconds(30),
        BackoffMultiplier = 2.0,
        Jitter = false,
    };

    [Theory]
    [InlineData(1, 150)]
    [InlineData(2, 300)]
    [InlineData(3, 600)]
    [InlineData(4, 1_200)]
    [InlineData(8, 19_200)]
    public void The_bound_starts_at_the_first_retry_delay_and_doubles(int failedAttempts, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Backoff.Bound(NoJitter, failedAttempts));

    [Theory]
    [InlineData(9)]
    [InlineData(20)]
    [InlineData(10_000)]
    [InlineData(int.MaxValue)]
    public void The_bound_caps_at_the_max_retry_delay_without_overflowing(int failedAttempts) =>
        Assert.Equal(TimeSpan.FromSeconds(30), Backoff.Bound(NoJitter, failedAttempts));

    [Fact]
    public void The_largest_possible_cap_does_not_overflow()
    {
        // Through double milliseconds the cap keeps its value to well under a millisecond.
        var bound = Backoff.Bound(NoJitter with { MaxRetryDelay = TimeSpan.MaxValue }, 10_000);

        Assert.InRange(bound, TimeSpan.MaxValue - TimeSpan.FromMilliseconds(1), TimeSpan.MaxValue);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void No_failure_yet_means_the_first_delay(int failedAttempts) =>
        Assert.Equal(TimeSpan.FromMilliseconds(150), Backoff.Bound(NoJitter, failedAttempts));

    [Fact]
    public void A_fractional_multiplier_grows_by_that_factor()
    {
        var policy = NoJitter with { FirstRetryDelay = TimeSpan.FromMilliseconds(100), BackoffMultiplier = 1.5 };

        Assert.Equal(TimeSpan.FromMilliseconds(225), Backoff.Bound(policy, 3));
    }

    [Fact]
    public void A_multiplier_of_one_keeps_the_delay_constant() =>
        Assert.Equal(TimeSpan.FromMilliseconds(150), Backoff.Bound(NoJitter with { BackoffMultiplier = 1.0 }, 500));

    [Fact]
    public void The_bound_never_shrinks_as_failures_accumulate()
    {
        var bounds = Enumerable.Range(1, 100).Select(n => Backoff.Bound(NoJitter, n)).ToList();

        Assert.Equal(bounds.Order(), bounds);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.5)]
    [InlineData(0.999999)]
    public void Without_jitter_the_delay_is_the_bound(double unitFraction) =>
        Assert.Equal(Backoff.Bound(NoJitter, 3), Backoff.Delay(NoJitter, 3, unitFraction));

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.25, 150)]
    [InlineData(0.5, 300)]
    public void With_jitter_the_delay_is_the_draw_scaled_to_the_bound(double unitFraction, int expectedMilliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMilliseconds), Backoff.Delay(NoJitter with { Jitter = true }, 3, unitFraction));

    [Fact]
    public void Jittered_delays_stay_within_zero_and_the_bound_and_spread_across_it()
    {
        var policy = NoJitter with { Jitter = true };
        var jitter = new JitterSource(new Random(42));
        var bound = Backoff.Bound(policy, 4);

        var delays = Enumerable.Range(0, 1_000).Select(_ => Backoff.Delay(policy, 4, jitter.NextFraction())).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, TimeSpan.Zero, bound));
        Assert.True(delays.Min() < bound / 4, $"smallest delay {delays.Min()} of bound {bound}: no spread");
        Assert.True(delays.Max() > bound * 3 / 4, $"largest delay {delays.Max()} of bound {bound}: no spread");
    }
}
