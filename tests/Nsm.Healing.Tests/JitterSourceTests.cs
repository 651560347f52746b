using Nsm.Healing.Decisions;

namespace Nsm.Healing.Tests;

public sealed class JitterSourceTests
{
    [Fact]
    public void Draws_are_within_zero_inclusive_and_one_exclusive()
    {
        var jitter = new JitterSource(new Random(7));

        Assert.All(Enumerable.Range(0, 10_000).Select(_ => jitter.NextFraction()), f => Assert.True(f is >= 0 and < 1, $"draw {f}"));
    }

    [Fact]
    public void The_same_seed_repeats_the_same_draws()
    {
        var first = new JitterSource(new Random(7));
        var second = new JitterSource(new Random(7));

        Assert.Equal(Enumerable.Range(0, 20).Select(_ => first.NextFraction()).ToList(), Enumerable.Range(0, 20).Select(_ => second.NextFraction()).ToList());
    }
}
