namespace Nsm.Simulator.Fabric;

/// <summary>An NSMgr on a connection's path and the path index of its own segment.</summary>
internal readonly record struct NsmgrHop(string Name, int PathIndex);
