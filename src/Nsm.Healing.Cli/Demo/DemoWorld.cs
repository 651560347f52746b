using Nsm.Simulator;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// What a scenario acts on and observes: the simulator, the silo cluster, the NSCs, their network namespaces (where a
/// data plane of their own would be wired) and the board.
/// </summary>
public sealed record DemoWorld(
    NsmSimulator Simulator, DemoCluster Cluster, DemoNscs Nscs, NscNamespaces Namespaces, ConnectionBoard Board, LiveView View, TimeSpan ScenarioTimeout);
