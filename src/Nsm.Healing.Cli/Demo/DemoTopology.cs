using System.IO;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo's NSM: two nodes, each with its NSMgr on a unix socket of its own (as an NSC reaches its node's NSMgr), two
/// forwarders each; node-1 has two NSEs, node-2 one, all serving ns-1. Three NSEs give every reselect somewhere to go;
/// node-2's lone NSE makes its replacement the only local choice, so the NSE-death scenario can expect the replacement
/// (the NSMgr prefers local NSEs).
/// </summary>
public static class DemoTopology
{
    public const string NetworkService = "ns-1";
    public const string LoneNse = "nse-2";

    /// <summary>The nodes, each with its NSMgr: each node's silo serves the connections of that node's NSMgr.</summary>
    public static IReadOnlyList<(string Node, string Nsmgr)> Nodes { get; } = [("node-1", "nsmgr-1"), ("node-2", "nsmgr-2")];

    public static string NodeOf(string nsmgr) => Nodes.Single(n => n.Nsmgr == nsmgr).Node;

    /// <param name="run">A short name for this run, so two demos on one machine have sockets of their own.</param>
    public static SimulatorTopology Create(string run) => SimulatorTopology.Builder()
        .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", NetworkService).AddNse("nse-1b", NetworkService).WithUnixSocket(Socket(run, "node-1")))
        .AddNode("node-2", "nsmgr-2", node => node.WithForwarders("fwd-2a", "fwd-2b").AddNse(LoneNse, NetworkService).WithUnixSocket(Socket(run, "node-2")))
        .Build();

    // Directly in the temporary directory: the demo's silos may dial unix sockets there (SiloProcess); the simulator
    // removes them when it stops.
    private static string Socket(string run, string node) => Path.Combine(Path.GetTempPath(), $"nsm-demo-{run}-{node}.sock");
}
