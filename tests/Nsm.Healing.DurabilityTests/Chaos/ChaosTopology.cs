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

    public IReadOnlyList<NodeSpec> Nodes => Simulator.Nodes;

    public int Connections => Nodes.Count * ConnectionsPerNsmgr;

    public string NsmgrOf(int connection) => Nodes[connection / ConnectionsPerNsmgr].Nsmgr;
}
