using Nsm.Healing.Custody;
using static Nsm.Healing.Connections.ConnectionEffect;

namespace Nsm.Healing.Connections;

// Heal loops: a reselect that reaches Up and loses its data plane again soon after, over and over, backs off, and is
// reported so the cluster can quarantine the NSE or forwarder the loops keep landing on.
public sealed partial class ConnectionMachine
{
    /// <summary>
    /// Counts a cycle when a reselect starts because the data plane was lost soon (the policy's LoopUpWindow) after the
    /// last reselect reached Up. From the policy's LoopCycles cycles within its LoopWindow on, the connection is looping:
    /// the reselect waits LoopBackoff, doubled for each further cycle (at most LoopWindow), and the loop is reported.
    /// An operator's reselect is never held back.
    /// </summary>
    /// <returns>How long the new heal waits before its first attempt; null: it starts at once.</returns>
    private TimeSpan? HealLoopDelay(HealTrigger trigger, HealDecision decision, EffectBatch effects)
    {
        if (decision != HealDecision.Reselect || trigger is HealTrigger.Operator or HealTrigger.OperatorReselect)
        {
            return null;
        }

        var policy = State.Policy;
        State.LoopCycles.RemoveAll(at => at <= Now - policy.LoopWindow);
        if (!LostSoonAfterReselect(policy))
        {
            return null;
        }

        State.LoopCycles.Add(Now);
        var cycles = State.LoopCycles.Count;
        if (cycles < policy.LoopCycles)
        {
            return null;
        }

        var delay = LoopBackoff(policy, cycles);
        var connection = State.Connection!;
        var nse = PathHops.Nse(connection) ?? "";
        effects.Add(new ReportLoop(new LoopReport(_id, connection.NetworkService, State.NsmgrAddress!, nse, PathHops.Forwarders(connection), Now)));
        effects.Add(new Observe(new ConnectionNote.HealLoopDetected(State.CurrentHeal!.IncidentId, cycles, nse, delay)));
        State.CurrentHeal = State.CurrentHeal with { Detail = $"heal loop: {cycles} reselects lost their data plane within {policy.LoopWindow}; next reselect in {delay}" };
        return delay;
    }

    /// <summary>Whether the last heal was a reselect that reached Up no longer ago than the policy's LoopUpWindow.</summary>
    private bool LostSoonAfterReselect(HealPolicy policy) =>
        State.History is [.., { Decision: HealDecision.Reselect, Outcome: HealOutcome.Healed, EndedAt: { } upAt }]
        && Now - upAt <= policy.LoopUpWindow;

    private static TimeSpan LoopBackoff(HealPolicy policy, int cycles)
    {
        var doublings = Math.Min(cycles - policy.LoopCycles, 20);
        var delay = policy.LoopBackoff * Math.Pow(2, doublings);
        return delay < policy.LoopWindow ? delay : policy.LoopWindow;
    }

    /// <summary>Cycles inside the loop window now, and whether they make a heal loop (what a snapshot shows).</summary>
    public static (int Cycles, bool Looping) LoopStatus(ConnectionState state, DateTimeOffset now)
    {
        var cycles = state.LoopCycles.Count(at => at > now - state.Policy.LoopWindow);
        return (cycles, cycles >= state.Policy.LoopCycles);
    }
}
