using Nsm.Simulator.Namespaces;

namespace Nsm.Simulator.Services;

/// <summary>
/// Which NSMgr a Kestrel host serves: the gRPC services of that host act as this NSMgr. <see cref="Descriptors"/>
/// holds what came over its unix socket; <see cref="InTurn"/> orders its calls per connection.
/// </summary>
internal sealed record NsmgrBinding(string Nsmgr, Simulation Simulation, ReceivedDescriptors Descriptors)
{
    public CallsInTurn InTurn { get; } = new();
}
