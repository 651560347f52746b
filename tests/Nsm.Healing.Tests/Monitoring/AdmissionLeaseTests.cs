using Nsm.Healing.Admission;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Tests.Monitoring;

/// <summary>A permit lasts as long as the heal that holds it can be at the NSMgr, and a late verdict still counts.</summary>
public sealed class AdmissionLeaseTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_permit_is_not_handed_out_again_while_its_heal_may_still_be_at_the_nsmgr()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 1, Lease);
        var slowAttempt = TimeSpan.FromSeconds(35);
        Assert.True(budget.TryAdmit("slow", T0, slowAttempt));

        Assert.False(budget.TryAdmit("next", T0 + TimeSpan.FromSeconds(25)));
        Assert.Equal(1, budget.InUse);
        Assert.Equal(["next"], budget.AdmitWaiting(T0 + slowAttempt));
    }

    [Fact]
    public void A_late_release_of_a_reclaimed_permit_still_halves_the_budget()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 16, Lease);
        for (var i = 0; i < 6; i++)
        {
            budget.TryAdmit($"h{i}", T0);
            budget.Release($"h{i}", nsmgrAnswered: true);
        }

        Assert.Equal(8, budget.Budget);
        budget.TryAdmit("slow", T0);
        budget.AdmitWaiting(T0 + Lease);
        Assert.Equal(0, budget.InUse);

        budget.Release("slow", nsmgrAnswered: false);

        Assert.Equal(4, budget.Budget);
    }

    [Fact]
    public void A_late_release_counts_once()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 16, Lease);
        budget.TryAdmit("slow", T0);
        budget.AdmitWaiting(T0 + Lease);

        budget.Release("slow", nsmgrAnswered: true);
        budget.Release("slow", nsmgrAnswered: true);

        Assert.Equal(3, budget.Budget);
    }

    [Fact]
    public void The_default_lease_covers_a_close_and_a_request_of_the_default_request_timeout() =>
        Assert.Empty(new MonitorOptions().Problems());

    [Fact]
    public void A_lease_shorter_than_the_longest_attempt_is_refused_naming_both_settings()
    {
        var problem = Assert.Single(new MonitorOptions { AdmissionLease = TimeSpan.FromSeconds(20) }.Problems());

        Assert.Contains("Nsm:Monitor:AdmissionLease", problem);
        Assert.Contains("HealPolicy.RequestTimeout", problem);
        Assert.Contains("00:00:35", problem);
    }
}
