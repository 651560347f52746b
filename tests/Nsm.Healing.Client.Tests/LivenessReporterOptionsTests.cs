namespace Nsm.Healing.Client.Tests;

public sealed class LivenessReporterOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_documented()
    {
        var options = new LivenessReporterOptions().Validate();

        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckInterval);
        Assert.Equal(TimeSpan.FromSeconds(1), options.CheckTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ReaffirmInterval);
    }

    [Theory]
    [InlineData(0, 1000, 10000, "CheckInterval must be positive (was 00:00:00)")]
    [InlineData(-1000, 1000, 10000, "CheckInterval must be positive (was -00:00:01)")]
    [InlineData(1000, 0, 10000, "CheckTimeout must be positive (was 00:00:00)")]
    [InlineData(1000, -5, 10000, "CheckTimeout must be positive (was -00:00:00.0050000)")]
    [InlineData(1000, 1000, 500, "ReaffirmInterval (00:00:00.5000000) must be at least CheckInterval (00:00:01)")]
    public void Each_rule_is_named_in_the_error(int intervalMs, int timeoutMs, int reaffirmMs, string expected)
    {
        var options = new LivenessReporterOptions
        {
            CheckInterval = TimeSpan.FromMilliseconds(intervalMs),
            CheckTimeout = TimeSpan.FromMilliseconds(timeoutMs),
            ReaffirmInterval = TimeSpan.FromMilliseconds(reaffirmMs),
        };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.StartsWith($"Invalid liveness reporter options: {expected}", error.Message);
    }

    [Fact]
    public void Reaffirming_on_every_check_is_allowed()
    {
        var options = new LivenessReporterOptions { CheckInterval = TimeSpan.FromSeconds(2), ReaffirmInterval = TimeSpan.FromSeconds(2) };

        Assert.Same(options, options.Validate());
    }
}
