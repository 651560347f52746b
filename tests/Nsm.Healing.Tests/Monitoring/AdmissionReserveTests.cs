using Nsm.Healing.Admission;

namespace Nsm.Healing.Tests.Monitoring;

/// <summary>A silo's standing permit: part of the budget while it is calm, given up as soon as heals queue.</summary>
public sealed class AdmissionReserveTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    [Fact]
    public void A_reserve_is_granted_while_the_budget_has_room_and_counts_against_it()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 2, Lease);

        Assert.True(budget.TryReserve("reserve/silo-a/1", T0));
        Assert.True(budget.TryAdmit("heal-1", T0));
        Assert.False(budget.TryAdmit("heal-2", T0));
        Assert.Equal(2, budget.InUse);
    }

    [Fact]
    public void A_reserve_is_refused_when_the_budget_is_spent_and_never_queues()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 1, Lease);
        budget.TryAdmit("heal-1", T0);

        Assert.False(budget.TryReserve("reserve/silo-a/1", T0));
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void Renewing_a_reserve_while_heals_queue_gives_it_up_to_the_first_of_them()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 2, Lease);
        budget.TryReserve("reserve/silo-a/1", T0);
        budget.TryAdmit("heal-1", T0);
        Assert.False(budget.TryAdmit("heal-2", T0));

        Assert.False(budget.TryReserve("reserve/silo-a/1", T0));

        Assert.Equal(["heal-2"], budget.AdmitWaiting(T0));
        Assert.Equal(2, budget.InUse);
    }

    [Fact]
    public void Renewing_a_reserve_while_calm_extends_its_lease()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 1, Lease);
        budget.TryReserve("reserve/silo-a/1", T0);

        Assert.True(budget.TryReserve("reserve/silo-a/1", T0 + Lease - TimeSpan.FromSeconds(1)));

        // Still held just after the first lease would have run out, so nobody else is admitted.
        Assert.False(budget.TryAdmit("heal-1", T0 + Lease + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_reserve_given_back_frees_its_permit_without_growing_the_budget()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 4, Lease);
        budget.TryReserve("reserve/silo-a/1", T0);

        budget.GiveBack("reserve/silo-a/1");

        Assert.Equal((0, 1), (budget.InUse, budget.Budget));
        Assert.True(budget.TryAdmit("heal-1", T0));
    }

    [Fact]
    public void A_queued_heal_that_gives_its_place_back_is_skipped_and_never_admitted()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 1, Lease);
        budget.TryAdmit("heal-1", T0);
        Assert.False(budget.TryAdmit("heal-2", T0));
        Assert.False(budget.TryAdmit("heal-3", T0));

        budget.GiveBack("heal-2");
        budget.Release("heal-1", nsmgrAnswered: true);

        Assert.Equal(["heal-3"], budget.AdmitWaiting(T0));
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void A_reserve_taken_by_a_heal_and_released_as_served_grows_the_budget_like_any_permit()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 4, Lease);
        budget.TryReserve("reserve/silo-a/1", T0);

        budget.Release("reserve/silo-a/1", nsmgrAnswered: true);

        Assert.Equal((0, 2), (budget.InUse, budget.Budget));
    }
}
