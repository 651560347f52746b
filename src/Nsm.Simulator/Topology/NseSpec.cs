namespace Nsm.Simulator.Topology;

/// <summary>A network service endpoint and the network services it registers for.</summary>
public sealed record NseSpec
{
    public required string Name { get; init; }

    public required IReadOnlyList<string> Services { get; init; }
}
