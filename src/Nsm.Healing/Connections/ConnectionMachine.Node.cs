using Nsm.Api;
using static Nsm.Healing.Connections.ConnectionEffect;

namespace Nsm.Healing.Connections;

// Node-local execution: a connection that belongs to a node (its NSC's, where its unix-socket NSMgr is) makes NSMgr calls
// only from that node's silo. Away from it (its node had no silo when it activated) it waits, visibly, and moves home.
public sealed partial class ConnectionMachine
{
    /// <summary>How often a connection away from its node looks for a silo there.</summary>
    public static readonly TimeSpan HomeNodeRecheck = TimeSpan.FromSeconds(1);

    private const string NoSiloOnNode = "no silo on node";
    private const string MovingToNode = "moving to the silo on node";

    /// <summary>The node this connection belongs to when this silo is not on it; null when it is, or any silo will do.</summary>
    private string? AwayFromNode => State.NodeName is { Length: > 0 } home && home != _env.LocalNode ? home : null;

    /// <summary>The first Request is sent from the NSC's node only; the NSC learns at once when that is impossible.</summary>
    private NsmRequestFailedException? RefusalAwayFromNode(string? requestedNode)
    {
        if (string.IsNullOrEmpty(requestedNode) || requestedNode == _env.LocalNode)
        {
            return null;
        }

        var why = _env.NodeHasSilo(requestedNode)
            ? $"this silo runs on node '{_env.LocalNode}', not {requestedNode}; retry"
            : $"{NoSiloOnNode} {requestedNode}";
        return new NsmRequestFailedException("Unavailable", $"Request for connection '{_id}' not sent: {why}");
    }

    /// <summary>
    /// True when this silo must not call the NSMgr for this connection: it says why (once, stored), moves home when its
    /// node has a silo, and looks again shortly. At home it drops a wait it showed before.
    /// </summary>
    private bool WaitingForHomeNode(EffectBatch effects)
    {
        if (AwayFromNode is not { } home)
        {
            if (State.Reason?.StartsWith(NoSiloOnNode, StringComparison.Ordinal) == true
                || State.Reason?.StartsWith(MovingToNode, StringComparison.Ordinal) == true)
            {
                State.Reason = State.CurrentHeal is { } heal ? $"{heal.Trigger}: {heal.Decision}" : null;
            }

            return false;
        }

        var moving = _env.NodeHasSilo(home);
        var reason = moving ? $"{MovingToNode} {home}" : $"{NoSiloOnNode} {home}: waiting for it";
        var changed = State.Reason != reason;
        if (changed)
        {
            State.Reason = reason;
            effects.Add(new Observe(new ConnectionNote.WaitingForNode(home, moving)));
            Persist(Write.Bookkeeping, effects);
            effects.Add(new Publish());
        }

        if (moving)
        {
            effects.Add(new MoveHome(home));
        }

        effects.Add(new ScheduleWakeup(Now + HomeNodeRecheck));
        return true;
    }
}
