namespace Nsm.Simulator.Topology;

/// <summary>
/// The simulated NSM deployment: nodes, each with one NSMgr, its forwarders and NSEs, and how long path
/// tokens live. Bound from JSON for the standalone simulator and built in code for tests.
/// </summary>
public sealed record SimulatorTopology
{
    /// <summary>Upstream's default token lifetime; a connection not refreshed within it is closed.</summary>
    public static TimeSpan DefaultTokenLifetime { get; } = TimeSpan.FromMinutes(10);

    public required IReadOnlyList<NodeSpec> Nodes { get; init; }

    public TimeSpan TokenLifetime { get; init; } = DefaultTokenLifetime;

    /// <summary>
    /// Nodes named node-N with nsmgr-N, forwarders fwd-Na, fwd-Nb, … and NSEs nse-N (one per node) or
    /// nse-Na, nse-Nb, … (several per node), every NSE serving <paramref name="networkService"/>.
    /// With no arguments: the standalone default of 2 nodes, 2 forwarders each, one NSE per node for ns-1.
    /// </summary>
    public static SimulatorTopology Default(
        int nodes = 2,
        int forwardersPerNode = 2,
        int nsesPerNode = 1,
        string networkService = "ns-1",
        TimeSpan? tokenLifetime = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nodes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(forwardersPerNode, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nsesPerNode);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(forwardersPerNode, Letters.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(nsesPerNode, Letters.Length);
        ArgumentException.ThrowIfNullOrEmpty(networkService);

        var specs = new List<NodeSpec>(nodes);
        for (var n = 1; n <= nodes; n++)
        {
            var number = n;
            specs.Add(new NodeSpec
            {
                Name = $"node-{number}",
                Nsmgr = $"nsmgr-{number}",
                Forwarders = [.. Letters[..forwardersPerNode].Select(letter => $"fwd-{number}{letter}")],
                Nses = nsesPerNode == 1
                    ? [new NseSpec { Name = $"nse-{number}", Services = [networkService] }]
                    : [.. Letters[..nsesPerNode].Select(letter => new NseSpec { Name = $"nse-{number}{letter}", Services = [networkService] })],
            });
        }

        return new SimulatorTopology { Nodes = specs, TokenLifetime = tokenLifetime ?? DefaultTokenLifetime };
    }

    /// <summary>Starts a topology described node by node.</summary>
    public static TopologyBuilder Builder() => new();

    private const string Letters = "abcdefghijklmnopqrstuvwxyz";
}
