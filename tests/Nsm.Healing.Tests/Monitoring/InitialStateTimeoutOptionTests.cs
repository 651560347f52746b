using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Tests.Monitoring;

public sealed class InitialStateTimeoutOptionTests
{
    [Fact]
    public void The_default_waits_fifteen_seconds_for_the_snapshot() =>
        Assert.Equal(TimeSpan.FromSeconds(15), new MonitorOptions().InitialStateTimeout);

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void A_timeout_that_is_not_positive_is_refused_naming_the_key(int seconds) =>
        Assert.Equal([$"Nsm:Monitor:InitialStateTimeout must be positive (was {TimeSpan.FromSeconds(seconds)})"],
            new MonitorOptions { InitialStateTimeout = TimeSpan.FromSeconds(seconds) }.Problems());
}
