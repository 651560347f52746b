using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Tests;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("150ms", 150 * TimeSpan.TicksPerMillisecond)]
    [InlineData("2s", 2 * TimeSpan.TicksPerSecond)]
    [InlineData("1.5s", 1500 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5m", 5 * TimeSpan.TicksPerMinute)]
    [InlineData("1h", TimeSpan.TicksPerHour)]
    [InlineData(" 2S ", 2 * TimeSpan.TicksPerSecond)]
    [InlineData("00:00:30", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("1.00:00:00", TimeSpan.TicksPerDay)]
    [InlineData("0", 0)]
    [InlineData("-2s", -2 * TimeSpan.TicksPerSecond)]
    public void Durations_parse_in_every_unit(string text, long ticks)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromTicks(ticks), duration);
    }

    [Theory]
    [InlineData("1e300s")]
    [InlineData("99999999999999999999ms")]
    [InlineData("-1e300h")]
    [InlineData("10675200d")]
    [InlineData("11000000.00:00:00")]
    [InlineData("NaNs")]
    [InlineData("Infinityms")]
    [InlineData("soon")]
    [InlineData("")]
    [InlineData("ms")]
    public void Text_that_is_no_duration_or_does_not_fit_is_refused_without_throwing(string text) =>
        Assert.False(DurationParser.TryParse(text, out _));

    [Fact]
    public void The_longest_duration_that_fits_parses() =>
        Assert.True(DurationParser.TryParse($"{(long)TimeSpan.MaxValue.TotalHours - 1}h", out _));

    [Theory]
    [InlineData("0", false, "must be more than 0")]
    [InlineData("0s", true, null)]
    [InlineData("-1ms", true, "must not be negative")]
    [InlineData("-00:00:01", false, "must not be negative")]
    [InlineData("1e300s", true, "must be a duration")]
    [InlineData("250ms", false, null)]
    public void Rules_refuse_negative_durations_and_zero_unless_allowed(string text, bool zeroAllowed, string? problem)
    {
        var found = DurationParser.FindProblem(text, zeroAllowed, out _);

        if (problem is null)
        {
            Assert.Null(found);
        }
        else
        {
            Assert.StartsWith(problem, found);
        }
    }

    [Theory]
    [InlineData(850, "850ms")]
    [InlineData(2400, "2.4s")]
    [InlineData(190_000, "3m10s")]
    public void Format_is_short(int milliseconds, string text) =>
        Assert.Equal(text, DurationParser.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
