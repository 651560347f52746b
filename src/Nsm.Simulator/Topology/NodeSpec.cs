namespace Nsm.Simulator.Topology;

/// <summary>One node: exactly one NSMgr, one or more forwarders, zero or more NSEs.</summary>
public sealed record NodeSpec
{
    public required string Name { get; init; }

    public required string Nsmgr { get; init; }

    public required IReadOnlyList<string> Forwarders { get; init; }

    public IReadOnlyList<NseSpec> Nses { get; init; } = [];

    /// <summary>Optional unix domain socket path the NSMgr also listens on.</summary>
    public string? UnixSocket { get; init; }

    /// <summary>Loopback TCP port of the NSMgr; 0 lets the OS pick a free one.</summary>
    public int Port { get; init; }
}
