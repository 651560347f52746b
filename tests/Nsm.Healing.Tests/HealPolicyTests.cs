namespace Nsm.Healing.Tests;

public sealed class HealPolicyTests
{
    private static readonly Dictionary<string, HealPolicy> InvalidPolicies = new()
    {
        ["FirstRetryDelay zero"] = HealPolicy.Default with { FirstRetryDelay = TimeSpan.Zero },
        ["FirstRetryDelay negative"] = HealPolicy.Default with { FirstRetryDelay = TimeSpan.FromMilliseconds(-1) },
        ["MaxRetryDelay below FirstRetryDelay"] = HealPolicy.Default with { FirstRetryDelay = TimeSpan.FromSeconds(1), MaxRetryDelay = TimeSpan.FromMilliseconds(999) },
        ["MaxRetryDelay beyond an hour"] = HealPolicy.Default with { MaxRetryDelay = HealPolicy.LongestRetryDelay + TimeSpan.FromTicks(1) },
        ["BackoffMultiplier below one"] = HealPolicy.Default with { BackoffMultiplier = 0.99 },
        ["BackoffMultiplier NaN"] = HealPolicy.Default with { BackoffMultiplier = double.NaN },
        ["BackoffMultiplier infinite"] = HealPolicy.Default with { BackoffMultiplier = double.PositiveInfinity },
        ["MaxAttempts negative"] = HealPolicy.Default with { MaxAttempts = -1 },
        ["HealDeadline negative"] = HealPolicy.Default with { HealDeadline = TimeSpan.FromSeconds(-1) },
        ["RestoreAttemptsBeforeReselect zero"] = HealPolicy.Default with { RestoreAttemptsBeforeReselect = 0 },
        ["RestoreTimeBeforeReselect zero"] = HealPolicy.Default with { RestoreTimeBeforeReselect = TimeSpan.Zero },
        ["OnDownWithUnknownDataPlane Ignore"] = HealPolicy.Default with { OnDownWithUnknownDataPlane = HealDecision.Ignore },
        ["OnDownWithUnknownDataPlane Refresh"] = HealPolicy.Default with { OnDownWithUnknownDataPlane = HealDecision.Refresh },
        ["OnDownWithUnknownDataPlane undefined"] = HealPolicy.Default with { OnDownWithUnknownDataPlane = (HealDecision)42 },
        ["RequestTimeout zero"] = HealPolicy.Default with { RequestTimeout = TimeSpan.Zero },
        ["RefreshFraction zero"] = HealPolicy.Default with { RefreshFraction = 0 },
        ["RefreshFraction one"] = HealPolicy.Default with { RefreshFraction = 1 },
        ["RefreshFraction NaN"] = HealPolicy.Default with { RefreshFraction = double.NaN },
        ["DataPlaneVerdictLifetime zero"] = HealPolicy.Default with { DataPlaneVerdictLifetime = TimeSpan.Zero },
    };

    public static TheoryData<string> InvalidCases => new(InvalidPolicies.Keys);

    [Fact]
    public void The_defaults_are_valid() => Assert.Same(HealPolicy.Default, HealPolicy.Default.Validate());

    [Fact]
    public void The_defaults_are_the_documented_ones()
    {
        var policy = HealPolicy.Default;

        Assert.Equal(TimeSpan.FromMilliseconds(150), policy.FirstRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), policy.MaxRetryDelay);
        Assert.True(policy.Jitter);
        Assert.Equal(HealDecision.Reselect, policy.OnDownWithUnknownDataPlane);
        Assert.Equal(TimeSpan.FromMinutes(10), policy.HealDeadline);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Each_invalid_field_is_rejected_by_name(string invalidCase)
    {
        var field = invalidCase.Split(' ')[0];

        var error = Assert.Throws<ArgumentException>(() => InvalidPolicies[invalidCase].Validate());

        Assert.StartsWith($"Invalid heal policy: {field} ", error.Message);
    }

    [Fact]
    public void Boundary_values_that_still_make_sense_are_valid()
    {
        var policy = HealPolicy.Default with
        {
            MaxRetryDelay = HealPolicy.Default.FirstRetryDelay,
            BackoffMultiplier = 1.0,
            MaxAttempts = 0,
            HealDeadline = TimeSpan.Zero,
            RestoreAttemptsBeforeReselect = 1,
            OnDownWithUnknownDataPlane = HealDecision.Restore,
            RefreshFraction = 0.999,
        };

        Assert.Same(policy, policy.Validate());
        var longestDelay = policy with { MaxRetryDelay = HealPolicy.LongestRetryDelay };
        Assert.Same(longestDelay, longestDelay.Validate());
    }
}
