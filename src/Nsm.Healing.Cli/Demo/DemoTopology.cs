using Nsm.Simulator.Topology;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo's NSM: two nodes, two forwarders each; node-1 has two NSEs, node-2 one, all serving ns-1. Three NSEs
/// give every reselect somewhere to go; node-2's lone NSE makes its replacement the only local choice, so the
/// NSE-death scenario can expect the replacement (the NSMgr prefers local NSEs).
/// </summary>
public static class DemoTopology
{
    public const string NetworkService = "ns-1";
    public const string LoneNse = "nse-2";

    public static SimulatorTopology Create() => SimulatorTopology.Builder()
        .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", NetworkService).AddNse("nse-1b", NetworkService))
        .AddNode("node-2", "nsmgr-2", node => node.WithForwarders("fwd-2a", "fwd-2b").AddNse(LoneNse, NetworkService))
        .Build();
}
