using System.IO;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// The world a chaos schedule is drawn against: silo slots, the simulator's nodes (NSMgr, forwarders, NSEs), and the
/// connections, registered <see cref="ConnectionsPerNsmgr"/> at each NSMgr in node order (connection i is at the NSMgr of
/// node i / ConnectionsPerNsmgr).
/// </summary>
public sealed record ChaosTopology(int Silos, SimulatorTopology Simulator, int ConnectionsPerNsmgr)
{
    /// <summary>
    /// Three silos; two nodes with three forwarders and two NSEs each, so a dead forwarder or NSE always leaves a local
    /// one to heal to; 120 connections per NSMgr.
    /// </summary>
    public static ChaosTopology Standard { get; } = new(
        Silos: 3,
        Simulator: SimulatorTopology.Default(nodes: 2, forwardersPerNode: 3, nsesPerNode: 2),
        ConnectionsPerNsmgr: 120);

    /// <summary>
    /// The kernel variant's world: <see cref="Standard"/>'s silos and nodes, 24 connections per NSMgr. Fewer, because
    /// every data-plane read is two <c>ip</c> processes and every NSC a namespace with a process in it.
    /// </summary>
    public static ChaosTopology KernelVWires { get; } = Standard with { ConnectionsPerNsmgr = 24 };

    public IReadOnlyList<NodeSpec> Nodes => Simulator.Nodes;

    /// <summary>The simulator's topology with each NSMgr also on a unix socket of its own, new paths each call.</summary>
    public SimulatorTopology WithUnixSockets() => Simulator with
    {
        Nodes = [.. Simulator.Nodes.Select(node => node with { UnixSocket = Path.Combine(Path.GetTempPath(), $"nsm-chaos-{Guid.NewGuid():N}.sock") })],
    };

    public int Connections => Nodes.Count * ConnectionsPerNsmgr;

    public string NsmgrOf(int connection) => Nodes[connection / ConnectionsPerNsmgr].Nsmgr;
}
