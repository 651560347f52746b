using Nsm.Simulator;

namespace Nsm.Healing.Cli.Demo;

/// <summary>What a scenario acts on and observes: the simulator, the silo cluster, the NSCs and the board.</summary>
public sealed record DemoWorld(NsmSimulator Simulator, DemoCluster Cluster, DemoNscs Nscs, ConnectionBoard Board, LiveView View, TimeSpan ScenarioTimeout);
