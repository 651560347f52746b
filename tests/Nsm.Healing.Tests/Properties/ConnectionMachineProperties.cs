using CsCheck;
using Nsm.Healing.Connections;
using Nsm.Healing.Tests.Machine;
using Xunit.Abstractions;

namespace Nsm.Healing.Tests.Properties;

/// <summary>
/// DESIGN.md §5 invariants 1–4 and permit conservation, checked on the shipped <see cref="ConnectionMachine"/> (and its
/// <see cref="HealAttempt"/>) through <see cref="MachineRunner"/> over generated interleavings of every input, with
/// storage failures and version conflicts among them. A failure prints CsCheck's seed: pass it as <c>seed:</c> (or set
/// CsCheck_Seed) to replay.
/// </summary>
public sealed class ConnectionMachineProperties(ITestOutputHelper output)
{
    /// <summary>Due wakeups allowed to settle once faults stop: a queued heal asks again, an attempt then succeeds.</summary>
    private const int SettleSteps = 8;

    [Trait("Category", "Slow")]
    [Fact]
    public void Every_interleaving_keeps_the_healing_invariants() =>
        Generators.Scenario(Generators.AnyStep).Sample(
            (policy, steps) => CheckEnd(Run(policy, steps)),
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    [Fact]
    public void Control_plane_faults_alone_never_move_the_endpoint() =>
        (from scenario in Generators.Scenario(Generators.ControlPlaneStep)
         from livenessFirst in Gen.Bool
         select (scenario.Policy, livenessFirst ? [new Step(StepKind.LivenessUp, 0, 0), .. scenario.Steps] : scenario.Steps))
        .Sample(
            (policy, steps) =>
            {
                var runner = Run(policy, steps);
                Assert.DoesNotContain(runner.Calls, c => c.Decision == HealDecision.Reselect);
                Assert.All(runner.Calls, c => Assert.Equal("nse-1", c.Endpoint));
                CheckEnd(runner);
            },
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    [Trait("Category", "Slow")]
    [Fact]
    public void A_data_plane_reported_down_while_up_leads_to_a_reselect() =>
        Generators.Scenario(Generators.AnyStep).Sample(
            (policy, steps) =>
            {
                var runner = Run(policy, steps);
                runner.Storage = StorageBehaviour.Works;
                if (runner.Machine.State.Phase == ConnectionPhase.Up)
                {
                    runner.Feed(new ConnectionInput.DataPlaneReported(DataPlaneVerdict.Down, runner.Machine.State.Connection));
                    Assert.Equal(ConnectionPhase.Healing, runner.Machine.State.Phase);
                    Assert.Equal(HealDecision.Reselect, runner.Machine.State.CurrentHeal!.Decision);
                }
            },
            iter: Generators.Iterations, writeLine: output.WriteLine, print: Describe);

    /// <summary>Replays <paramref name="steps"/> after the first Request, checking the per-step invariants.</summary>
    internal static MachineRunner Run(HealPolicy policy, IEnumerable<Step> steps)
    {
        var runner = new MachineRunner(policy);
        runner.Connect();
        foreach (var step in steps)
        {
            MachineScenario.Apply(runner, step);
            CheckStep(runner);
        }

        return runner;
    }

    private static void CheckStep(MachineRunner runner)
    {
        Assert.Empty(runner.Violations);
        // Invariant 1: every input is carried out to the end; no call or write is left waiting for its outcome.
        Assert.False(runner.Machine.AwaitingOutcome);
        var state = runner.Machine.State;

        // Invariant 4, locally: Healing always has an attempt due and a wakeup armed for it.
        if (state.Phase == ConnectionPhase.Healing)
        {
            Assert.NotNull(state.CurrentHeal);
            Assert.NotNull(runner.WakeupAt);
        }
        else
        {
            // Invariant 8, locally: a Close not confirmed yet has its retry stored and armed, before its deadline.
            if (state.Phase == ConnectionPhase.Closing)
            {
                Assert.NotNull(runner.WakeupAt);
                Assert.True(state.NextAttemptAt < state.CloseDeadline, "a Close retry armed after its deadline");
            }

            // Nothing half-done: outside a heal, the phase is the stored one; and a heal's permits went back with it.
            Assert.Equal(runner.Stored.Phase, state.Phase);
            Assert.Null(runner.Machine.Attempt.PermitHolder);
            Assert.False(runner.Machine.Attempt.QueuedAtAdmission);
            Assert.Empty(runner.Granted);
            Assert.False(runner.Queued, "a place in the admission's queue outlived its heal");
        }

        // Invariant 2: never two connections at the NSE(s); nothing sent after the NSC's Close.
        Assert.True(runner.HeldAt.Count <= 1, $"the NSMgr holds the connection at {string.Join(", ", runner.HeldAt)}");
        Assert.DoesNotContain(runner.Calls, c => c.AfterClose && !c.What.StartsWith("Close", StringComparison.Ordinal));
    }

    /// <summary>Invariant 4: once faults stop, Up, Closed, Failed or Abandoned; then a Close hands every permit back, each once.</summary>
    private static void CheckEnd(MachineRunner runner)
    {
        runner.NsmgrAnswers = NsmgrBehaviour.Answers;
        runner.Storage = StorageBehaviour.Works;
        runner.AdmissionFree = true;
        runner.Feed(new ConnectionInput.ResumeAsked());
        runner.AdmissionGrants();
        for (var step = 0; step < SettleSteps && runner.Machine.State.Phase is ConnectionPhase.Healing or ConnectionPhase.Closing; step++)
        {
            var due = runner.WakeupAt ?? throw new InvalidOperationException($"stuck {runner.Machine.State.Phase} without a wakeup");
            var wait = due - runner.Env.Now;
            // A heal loop's backoff (at most LoopWindow) may hold a reselect back longer than a retry's delay.
            var longestWait = TimeSpan.FromTicks(Math.Max(runner.Policy.MaxRetryDelay.Ticks, runner.Policy.LoopWindow.Ticks));
            Assert.True(wait <= longestWait + 2 * runner.Policy.RequestTimeout + TimeSpan.FromSeconds(1),
                $"next attempt {wait} away, beyond MaxRetryDelay or LoopWindow and an attempt's lease");
            runner.Advance(wait > TimeSpan.Zero ? wait : TimeSpan.Zero);
            runner.Tick();
            CheckStep(runner);
        }

        Assert.True(
            runner.Machine.State.Phase is ConnectionPhase.Up or ConnectionPhase.Closed or ConnectionPhase.Failed or ConnectionPhase.Abandoned or ConnectionPhase.None,
            $"not settled after faults stopped: {runner.Machine.State.Phase} ({runner.Machine.State.Reason})");

        runner.Close();
        CheckStep(runner);
        Assert.Empty(runner.Granted);
        Assert.Equal(runner.Grants.OrderBy(g => g.Key), runner.Returns.OrderBy(r => r.Key));
    }

    internal static string Describe((HealPolicy Policy, Step[] Steps) scenario) =>
        $"{scenario.Policy} | {string.Join(", ", scenario.Steps)}";
}
