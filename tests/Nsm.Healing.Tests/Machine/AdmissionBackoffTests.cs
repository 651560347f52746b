using Nsm.Healing.Connections;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>An admission the heal cannot reach is asked again on a growing backoff, not every few milliseconds.</summary>
public sealed class AdmissionBackoffTests
{
    [Fact]
    public void An_unreachable_admission_is_asked_again_on_a_growing_backoff_and_the_heal_goes_on_once_it_answers()
    {
        var runner = MachineRunner.ConnectedUp();
        runner.Env.Jitter = 1.0;
        runner.AdmissionReachable = false;
        runner.Feed(new Triggered(HealTrigger.Operator));
        runner.Tick();

        var waits = new List<TimeSpan>();
        for (var ask = 0; ask < 6; ask++)
        {
            var wait = runner.WakeupAt!.Value - runner.Env.Now;
            waits.Add(wait);
            runner.Advance(wait);
            runner.Tick();
        }

        Assert.Equal(runner.Policy.FirstRetryDelay, waits[0]);
        Assert.All(waits.Zip(waits.Skip(1)), pair => Assert.True(pair.Second >= pair.First, $"waits {string.Join(", ", waits)}"));
        Assert.True(waits[^1] > 4 * waits[0], $"waits {string.Join(", ", waits)}");
        Assert.Equal(0, runner.Machine.State.CurrentHeal!.Attempts);

        runner.AdmissionReachable = true;
        runner.Advance(runner.WakeupAt!.Value - runner.Env.Now);
        runner.Tick();

        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        Assert.Empty(runner.Violations);
    }
}
