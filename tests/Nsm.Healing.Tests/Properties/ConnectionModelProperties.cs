using CsCheck;
using Nsm.Healing.Decisions;
using Xunit.Abstractions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>
/// DESIGN.md §5 invariants 2–4 and the retry rules of docs/healing.md, checked on <see cref="ConnectionModel"/> over
/// generated interleavings. A failure prints CsCheck's seed: pass it as <c>seed:</c> (or set CsCheck_Seed) to replay.
/// </summary>
public sealed class ConnectionModelProperties(ITestOutputHelper output)
{
    /// <summary>Steps allowed to settle once faults stop: an attempt per step succeeds, a reselect needs one.</summary>
    private const int SettleSteps = 3;

    [Fact]
    public void Every_interleaving_keeps_the_healing_invariants() =>
        Generators.Scenario(Generators.AnyEvent).Sample(
            (policy, events) => CheckInvariants(Run(policy, events)),
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    [Fact]
    public void Control_plane_faults_alone_never_move_the_endpoint() =>
        (from scenario in Generators.Scenario(Generators.ControlPlaneEvent)
         from livenessFirst in Gen.Bool
         select (scenario.Policy, livenessFirst
             ? [new ModelEvent(ModelEventKind.LivenessUp, 0, 0), .. scenario.Events]
             : scenario.Events))
        .Sample(
            (policy, events) =>
            {
                var model = Run(policy, events);
                CheckInvariants(model);
                Assert.DoesNotContain(model.Decisions, d => d.Decision == HealDecision.Reselect);
                Assert.DoesNotContain(model.Actions, a => a.Decision == HealDecision.Reselect);
                Assert.Equal(1, model.Endpoint);
            },
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    [Fact]
    public void A_data_plane_reported_down_while_up_leads_to_a_reselect() =>
        Generators.Scenario(Generators.AnyEvent).Sample(
            (policy, events) =>
            {
                var model = new ConnectionModel(policy);
                foreach (var e in events.Append(new ModelEvent(ModelEventKind.LivenessDown, 0, 0)))
                {
                    var wasUp = model.Phase == ConnectionPhase.Up;
                    model.Apply(e);
                    if (wasUp && e.Kind == ModelEventKind.LivenessDown)
                    {
                        Assert.Equal(ConnectionPhase.Healing, model.Phase);
                        Assert.Equal(HealDecision.Reselect, model.HealDecision);
                    }
                }
            },
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    [Fact]
    public void Never_reselects_away_from_a_data_plane_known_up() =>
        Generators.Scenario(Generators.AnyEvent).Sample(
            (policy, events) =>
            {
                var model = Run(policy, events);
                // A reselect already in progress carries on by design (docs/healing.md); starting or switching to one may not.
                Assert.DoesNotContain(model.Decisions, d =>
                    d.Decision == HealDecision.Reselect && d.InProgress != HealDecision.Reselect && d.DataPlane == DataPlaneVerdict.Up);
            },
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    /// <summary>Replays <paramref name="events"/>, checking the per-step invariants, then lets faults stop.</summary>
    internal static ConnectionModel Run(HealPolicy policy, IEnumerable<ModelEvent> events)
    {
        var model = new ConnectionModel(policy);
        foreach (var e in events)
        {
            model.Apply(e);
            CheckStep(model);
        }

        return model;
    }

    private static void CheckStep(ConnectionModel model)
    {
        // Invariant 4, locally: Healing always has a retry scheduled.
        if (model.Phase == ConnectionPhase.Healing)
        {
            Assert.NotNull(model.NextAttemptAt);
            Assert.NotNull(model.HealDecision);
        }

        // Invariant 2: nothing is sent after the NSC's Close.
        if (model.ActionsAtClose is { } sent)
        {
            Assert.Equal(sent, model.Actions.Count);
            Assert.Equal(ConnectionPhase.Closed, model.Phase);
        }
    }

    private static void CheckInvariants(ConnectionModel model)
    {
        foreach (var delay in model.RetryDelays)
        {
            Assert.InRange(delay, TimeSpan.Zero, model.Policy.MaxRetryDelay);
        }

        Assert.All(model.FailureReasons, reason => Assert.True(
            reason.Contains("MaxAttempts", StringComparison.Ordinal) || reason.Contains("HealDeadline", StringComparison.Ordinal),
            $"a heal failed for a reason naming neither MaxAttempts nor HealDeadline: {reason}"));

        // Invariant 2: a reselect Request always follows a Close of the connection it replaces.
        for (var i = 0; i < model.Actions.Count; i++)
        {
            if (model.Actions[i].Decision == HealDecision.Reselect)
            {
                Assert.Contains(model.Actions.Take(i), a => a.What == "Close" && a.Endpoint == model.Actions[i].Endpoint);
            }
        }

        Settle(model);
    }

    /// <summary>Invariant 4: once faults stop, Up, Closed or Failed within <see cref="SettleSteps"/> due attempts.</summary>
    private static void Settle(ConnectionModel model)
    {
        model.Apply(new ModelEvent(ModelEventKind.NsmgrAnswers, 0, 0));
        model.Apply(new ModelEvent(ModelEventKind.Resume, 0, 0));
        for (var step = 0; step < SettleSteps && model.Phase == ConnectionPhase.Healing; step++)
        {
            var due = model.NextAttemptAt ?? throw new InvalidOperationException("stuck Healing without a scheduled retry");
            // An overdue attempt (the clock ran past it) runs at the next tick.
            var wait = due - model.Now;
            Assert.True(wait <= model.Policy.MaxRetryDelay, $"next attempt {wait} away, beyond MaxRetryDelay");
            model.Apply(new ModelEvent(ModelEventKind.Advance, Math.Max(0, (int)Math.Ceiling(wait.TotalMilliseconds)), 0));
            model.Apply(new ModelEvent(ModelEventKind.Tick, 0, 0.5));
            CheckStep(model);
        }

        Assert.True(
            model.Phase is ConnectionPhase.Up or ConnectionPhase.Closed or ConnectionPhase.Failed,
            $"not settled after faults stopped: {model.Phase} ({model.Reason})");
    }

    internal static string Describe((HealPolicy Policy, ModelEvent[] Events) scenario) =>
        $"{scenario.Policy} | {string.Join(", ", scenario.Events)}";
}
