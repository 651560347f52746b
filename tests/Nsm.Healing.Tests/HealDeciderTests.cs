using Nsm.Healing.Decisions;
using D = Nsm.Healing.HealDecision;
using P = Nsm.Healing.ConnectionPhase;
using T = Nsm.Healing.HealTrigger;
using V = Nsm.Healing.DataPlaneVerdict;

namespace Nsm.Healing.Tests;

/// <summary>DESIGN.md §4 as a table, one row per situation: keep a working data plane, move only when it is gone.</summary>
public sealed class HealDeciderTests
{
    private static readonly D? NoHeal = null;

    // Columns: phase, heal in progress, data plane, policy OnDownWithUnknownDataPlane (Reselect = default), trigger → decision.
    public static readonly TheoryData<P, D?, V, D, T, D> Table = new()
    {
        // Up: control plane lost never moves the endpoint unless the data plane is known dead.
        { P.Up, NoHeal, V.Up, D.Reselect, T.ControlPlaneLost, D.Restore },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.ControlPlaneLost, D.Restore },
        { P.Up, NoHeal, V.Down, D.Reselect, T.ControlPlaneLost, D.Reselect },
        { P.Up, NoHeal, V.Down, D.Restore, T.ControlPlaneLost, D.Reselect },

        // Up: DOWN / DELETE follow the data plane; unknown follows the policy, which applies to unknown only.
        { P.Up, NoHeal, V.Up, D.Reselect, T.ConnectionDown, D.Restore },
        { P.Up, NoHeal, V.Down, D.Reselect, T.ConnectionDown, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.ConnectionDown, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Restore, T.ConnectionDown, D.Restore },
        { P.Up, NoHeal, V.Down, D.Restore, T.ConnectionDown, D.Reselect },
        { P.Up, NoHeal, V.Up, D.Reselect, T.ConnectionDeleted, D.Restore },
        { P.Up, NoHeal, V.Down, D.Reselect, T.ConnectionDeleted, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.ConnectionDeleted, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Restore, T.ConnectionDeleted, D.Restore },
        { P.Up, NoHeal, V.Down, D.Restore, T.ConnectionDeleted, D.Reselect },

        // Up: the vWire is gone, whatever the (possibly stale) verdict said before.
        { P.Up, NoHeal, V.Down, D.Reselect, T.DataPlaneDown, D.Reselect },
        { P.Up, NoHeal, V.Up, D.Restore, T.DataPlaneDown, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Restore, T.DataPlaneDown, D.Reselect },

        // Up: keep-alives are not heals.
        { P.Up, NoHeal, V.Up, D.Reselect, T.RefreshDue, D.Refresh },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.RefreshDue, D.Refresh },
        { P.Up, NoHeal, V.Down, D.Reselect, T.RefreshDue, D.Refresh },
        { P.Up, NoHeal, V.Up, D.Reselect, T.RefreshRequested, D.Refresh },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.RefreshRequested, D.Refresh },
        { P.Up, NoHeal, V.Down, D.Reselect, T.RefreshRequested, D.Refresh },

        // Up: a failed refresh and an operator heal are control-plane actions, like a lost stream.
        { P.Up, NoHeal, V.Up, D.Reselect, T.RefreshFailed, D.Restore },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.RefreshFailed, D.Restore },
        { P.Up, NoHeal, V.Down, D.Reselect, T.RefreshFailed, D.Reselect },
        { P.Up, NoHeal, V.Up, D.Reselect, T.Operator, D.Restore },
        { P.Up, NoHeal, V.Unknown, D.Reselect, T.Operator, D.Restore },
        { P.Up, NoHeal, V.Down, D.Reselect, T.Operator, D.Reselect },

        // Up: an operator's reselect moves the endpoint whatever the data plane's state.
        { P.Up, NoHeal, V.Up, D.Restore, T.OperatorReselect, D.Reselect },
        { P.Up, NoHeal, V.Unknown, D.Restore, T.OperatorReselect, D.Reselect },
        { P.Up, NoHeal, V.Down, D.Reselect, T.OperatorReselect, D.Reselect },

        // Healing a restore: upgraded to reselect only when the data plane is known dead.
        { P.Healing, D.Restore, V.Up, D.Reselect, T.ControlPlaneLost, D.Ignore },
        { P.Healing, D.Restore, V.Unknown, D.Reselect, T.ControlPlaneLost, D.Ignore },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.ConnectionDown, D.Ignore },
        { P.Healing, D.Restore, V.Unknown, D.Reselect, T.ConnectionDown, D.Ignore },
        { P.Healing, D.Restore, V.Down, D.Reselect, T.ConnectionDown, D.Reselect },
        { P.Healing, D.Restore, V.Down, D.Restore, T.ConnectionDown, D.Reselect },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.ConnectionDeleted, D.Ignore },
        { P.Healing, D.Restore, V.Unknown, D.Reselect, T.ConnectionDeleted, D.Ignore },
        { P.Healing, D.Restore, V.Down, D.Reselect, T.ConnectionDeleted, D.Reselect },
        { P.Healing, D.Restore, V.Down, D.Restore, T.ConnectionDeleted, D.Reselect },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.DataPlaneDown, D.Reselect },
        { P.Healing, D.Restore, V.Unknown, D.Reselect, T.DataPlaneDown, D.Reselect },
        { P.Healing, D.Restore, V.Down, D.Restore, T.DataPlaneDown, D.Reselect },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.RefreshDue, D.Ignore },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.RefreshRequested, D.Ignore },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.RefreshFailed, D.Ignore },
        { P.Healing, D.Restore, V.Up, D.Reselect, T.Operator, D.Restore },
        { P.Healing, D.Restore, V.Unknown, D.Reselect, T.Operator, D.Restore },
        { P.Healing, D.Restore, V.Down, D.Reselect, T.Operator, D.Reselect },
        { P.Healing, D.Restore, V.Up, D.Restore, T.OperatorReselect, D.Reselect },
        { P.Healing, D.Restore, V.Unknown, D.Restore, T.OperatorReselect, D.Reselect },

        // Healing a reselect: already the strongest action; only an operator (to retry now) gets through.
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.ControlPlaneLost, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.ConnectionDown, D.Ignore },
        { P.Healing, D.Reselect, V.Up, D.Reselect, T.ConnectionDown, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.ConnectionDeleted, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.DataPlaneDown, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.RefreshDue, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.RefreshRequested, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.RefreshFailed, D.Ignore },
        { P.Healing, D.Reselect, V.Down, D.Reselect, T.Operator, D.Reselect },
        { P.Healing, D.Reselect, V.Up, D.Restore, T.Operator, D.Reselect },
        { P.Healing, D.Reselect, V.Up, D.Restore, T.OperatorReselect, D.Reselect },

        // Failed: only an operator revives it, by the data plane.
        { P.Failed, NoHeal, V.Up, D.Reselect, T.Operator, D.Restore },
        { P.Failed, NoHeal, V.Unknown, D.Reselect, T.Operator, D.Restore },
        { P.Failed, NoHeal, V.Down, D.Reselect, T.Operator, D.Reselect },
        { P.Failed, NoHeal, V.Up, D.Restore, T.OperatorReselect, D.Reselect },
        { P.Failed, NoHeal, V.Unknown, D.Restore, T.OperatorReselect, D.Reselect },
        { P.Failed, NoHeal, V.Down, D.Reselect, T.DataPlaneDown, D.Ignore },
        { P.Failed, NoHeal, V.Down, D.Reselect, T.ConnectionDown, D.Ignore },

        // Not (or no longer) ours to heal: no heal after close, none while paused or before the first answer.
        { P.Closed, NoHeal, V.Down, D.Reselect, T.DataPlaneDown, D.Ignore },
        { P.Closed, NoHeal, V.Up, D.Reselect, T.ConnectionDeleted, D.Ignore },
        { P.Closing, NoHeal, V.Down, D.Reselect, T.ConnectionDeleted, D.Ignore },
        { P.None, NoHeal, V.Down, D.Reselect, T.Operator, D.Ignore },
        { P.Requesting, NoHeal, V.Up, D.Reselect, T.ControlPlaneLost, D.Ignore },
        { P.Paused, D.Restore, V.Down, D.Reselect, T.DataPlaneDown, D.Ignore },
        { P.Paused, NoHeal, V.Up, D.Reselect, T.RefreshDue, D.Ignore },
    };

    private static readonly P[] InertPhases = [P.None, P.Requesting, P.Closing, P.Closed, P.Paused, P.Abandoned];

    /// <summary>Every phase that never acts, crossed with everything else that could vary.</summary>
    public static TheoryData<P, D?, V, D, T> InertRows()
    {
        var rows = new TheoryData<P, D?, V, D, T>();
        foreach (var phase in InertPhases)
        foreach (var heal in new D?[] { null, D.Restore, D.Reselect })
        foreach (var dataPlane in Enum.GetValues<V>())
        foreach (var onUnknown in new[] { D.Reselect, D.Restore })
        foreach (var trigger in Enum.GetValues<T>())
        {
            rows.Add(phase, heal, dataPlane, onUnknown, trigger);
        }

        return rows;
    }

    public static TheoryData<V, D, T> FailedNonOperatorRows()
    {
        var rows = new TheoryData<V, D, T>();
        foreach (var dataPlane in Enum.GetValues<V>())
        foreach (var onUnknown in new[] { D.Reselect, D.Restore })
        foreach (var trigger in Enum.GetValues<T>().Where(t => t is not (T.Operator or T.OperatorReselect)))
        {
            rows.Add(dataPlane, onUnknown, trigger);
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void Decides_by_the_table(P phase, D? healInProgress, V dataPlane, D onUnknownDataPlane, T trigger, D expected) =>
        Assert.Equal(expected, Decide(phase, healInProgress, dataPlane, onUnknownDataPlane, trigger));

    [Theory]
    [MemberData(nameof(InertRows))]
    public void Closed_closing_none_requesting_paused_and_abandoned_ignore_everything(P phase, D? healInProgress, V dataPlane, D onUnknownDataPlane, T trigger) =>
        Assert.Equal(D.Ignore, Decide(phase, healInProgress, dataPlane, onUnknownDataPlane, trigger));

    [Theory]
    [MemberData(nameof(FailedNonOperatorRows))]
    public void Failed_ignores_everything_but_an_operator(V dataPlane, D onUnknownDataPlane, T trigger) =>
        Assert.Equal(D.Ignore, Decide(P.Failed, null, dataPlane, onUnknownDataPlane, trigger));

    [Fact]
    public void Control_plane_lost_with_the_data_plane_up_or_unknown_never_moves_the_endpoint()
    {
        foreach (var phase in Enum.GetValues<P>())
        foreach (var heal in new D?[] { null, D.Restore })
        foreach (var dataPlane in new[] { V.Up, V.Unknown })
        foreach (var onUnknown in new[] { D.Reselect, D.Restore })
        foreach (var trigger in new[] { T.ControlPlaneLost, T.RefreshFailed })
        {
            Assert.NotEqual(D.Reselect, Decide(phase, heal, dataPlane, onUnknown, trigger));
        }
    }

    [Fact]
    public void A_reselect_in_progress_is_never_downgraded_to_a_restore()
    {
        foreach (var dataPlane in Enum.GetValues<V>())
        foreach (var onUnknown in new[] { D.Reselect, D.Restore })
        foreach (var trigger in Enum.GetValues<T>())
        {
            Assert.Contains(Decide(P.Healing, D.Reselect, dataPlane, onUnknown, trigger), new[] { D.Ignore, D.Reselect });
        }
    }

    [Fact]
    public void The_rows_cover_every_phase_with_every_trigger()
    {
        var covered = Table.Select(row => ((P)row[0], (T)row[4]))
            .Concat(InertRows().Select(row => ((P)row[0], (T)row[4])))
            .Concat(FailedNonOperatorRows().Select(row => (P.Failed, (T)row[2])))
            .ToHashSet();

        var missing = Enum.GetValues<P>().SelectMany(p => Enum.GetValues<T>().Select(t => (p, t))).Where(pair => !covered.Contains(pair));
        Assert.Empty(missing);
    }

    private static D Decide(P phase, D? healInProgress, V dataPlane, D onUnknownDataPlane, T trigger) =>
        HealDecider.Decide(trigger, new HealSituation(phase, healInProgress, dataPlane, HealPolicy.Default with { OnDownWithUnknownDataPlane = onUnknownDataPlane }));
}
