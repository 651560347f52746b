using Nsm.Healing.Admission;

namespace Nsm.Healing.Tests.Monitoring;

public sealed class AdmissionBudgetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 24, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(20);

    [Fact]
    public void Admits_up_to_the_initial_budget_then_queues_in_order()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 4, Lease);

        Assert.True(budget.TryAdmit("a", T0));
        Assert.True(budget.TryAdmit("b", T0));
        Assert.False(budget.TryAdmit("c", T0));
        Assert.False(budget.TryAdmit("d", T0));
        Assert.False(budget.TryAdmit("c", T0));

        Assert.Equal(2, budget.InUse);
        Assert.Equal(2, budget.Waiting);
    }

    [Fact]
    public void A_holder_asking_again_keeps_its_permit()
    {
        var budget = new AdmissionBudget(1, 1, Lease);
        Assert.True(budget.TryAdmit("a", T0));

        Assert.True(budget.TryAdmit("a", T0));
        Assert.Equal(1, budget.InUse);
    }

    [Fact]
    public void Served_heals_grow_the_budget_by_one_up_to_the_maximum_and_admit_the_queue_in_order()
    {
        var budget = new AdmissionBudget(initialBudget: 1, maxConcurrency: 2, Lease);
        budget.TryAdmit("a", T0);
        budget.TryAdmit("b", T0);
        budget.TryAdmit("c", T0);
        budget.TryAdmit("d", T0);

        budget.Release("a", nsmgrAnswered: true);

        Assert.Equal(2, budget.Budget);
        Assert.Equal(["b", "c"], budget.AdmitWaiting(T0));
        budget.Release("b", nsmgrAnswered: true);
        Assert.Equal(2, budget.Budget);
        Assert.Equal(["d"], budget.AdmitWaiting(T0));
        Assert.Equal(0, budget.Waiting);
    }

    [Fact]
    public void An_unanswered_heal_halves_the_budget_but_never_below_the_initial_one()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 16, Lease);
        for (var i = 0; i < 10; i++)
        {
            budget.TryAdmit($"h{i}", T0);
            budget.Release($"h{i}", nsmgrAnswered: true);
        }

        Assert.Equal(12, budget.Budget);
        budget.TryAdmit("x", T0);
        budget.Release("x", nsmgrAnswered: false);
        Assert.Equal(6, budget.Budget);
        budget.TryAdmit("y", T0);
        budget.Release("y", nsmgrAnswered: false);
        budget.TryAdmit("z", T0);
        budget.Release("z", nsmgrAnswered: false);
        Assert.Equal(2, budget.Budget);
    }

    [Fact]
    public void Restart_goes_back_to_slow_start()
    {
        var budget = new AdmissionBudget(initialBudget: 2, maxConcurrency: 16, Lease);
        budget.TryAdmit("a", T0);
        budget.Release("a", nsmgrAnswered: true);

        budget.Restart();

        Assert.Equal(2, budget.Budget);
    }

    [Fact]
    public void A_permit_whose_holder_died_is_reclaimed_after_its_lease()
    {
        var budget = new AdmissionBudget(1, 1, Lease);
        budget.TryAdmit("dead", T0);
        Assert.False(budget.TryAdmit("next", T0 + Lease - TimeSpan.FromTicks(1)));

        Assert.Equal(["next"], budget.AdmitWaiting(T0 + Lease));
        Assert.Equal(1, budget.InUse);
    }

    [Fact]
    public void Releasing_an_unknown_holder_changes_nothing()
    {
        var budget = new AdmissionBudget(2, 4, Lease);

        budget.Release("nobody", nsmgrAnswered: false);

        Assert.Equal(2, budget.Budget);
    }

    [Fact]
    public void A_newcomer_does_not_jump_the_queue_when_a_permit_frees()
    {
        var budget = new AdmissionBudget(1, 1, Lease);
        budget.TryAdmit("a", T0);
        budget.TryAdmit("queued", T0);
        budget.Release("a", nsmgrAnswered: true);

        Assert.False(budget.TryAdmit("newcomer", T0));
        Assert.Equal(["queued"], budget.AdmitWaiting(T0));
    }
}
