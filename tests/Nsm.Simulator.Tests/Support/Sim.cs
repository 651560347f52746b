using Microsoft.Extensions.Time.Testing;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests.Support;

/// <summary>Starting simulators and clocks for tests.</summary>
internal static class Sim
{
    public static readonly DateTimeOffset Epoch = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static FakeTimeProvider Clock() => new(Epoch);

    /// <summary>One node: nsmgr-1, forwarders fwd-1a and fwd-1b, NSEs nse-1a and nse-1b for ns-1.</summary>
    public static SimulatorTopology OneNodeTwoNses(TimeSpan? tokenLifetime = null) =>
        SimulatorTopology.Default(nodes: 1, forwardersPerNode: 2, nsesPerNode: 2, tokenLifetime: tokenLifetime);

    public static Task<NsmSimulator> StartAsync(SimulatorTopology topology, TimeProvider? clock = null) =>
        NsmSimulator.StartAsync(topology, clock);
}
