namespace Nsm.Simulator.Services;

/// <summary>Which NSMgr a Kestrel host serves: the gRPC services of that host act as this NSMgr.</summary>
internal sealed record NsmgrBinding(string Nsmgr, Simulation Simulation);
