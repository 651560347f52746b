using Microsoft.Extensions.Logging;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Fabric;
using Nsm.Simulator.Faults;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Monitor;
using Nsm.Simulator.Nsmgrs;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator;

/// <summary>
/// The state every part of the simulation shares. Control-plane and fabric state change only under
/// <see cref="Gate"/>: one lock keeps each Request, Close, fault and expiry atomic, so a failure never
/// leaves anything half written and monitor events come out in the order things happened.
/// </summary>
internal sealed class SimulationState
{
    // Never disposed: Requests may still link to its token while the hosts stop, and it holds no timer.
    private readonly CancellationTokenSource _shuttingDown = new();

    /// <param name="kernel">Kernel vWires, or null for the modelled data plane.</param>
    public SimulationState(SimulatorTopology topology, TimeProvider time, ILoggerFactory loggers, SimulatorSecurity security, KernelVWires? kernel)
    {
        Kernel = kernel;
        Identities = security.Enabled ? new ElementIdentities(security) : null;
        Time = time;
        TokenLifetime = topology.TokenLifetime;
        Logger = loggers.CreateLogger("Nsm.Simulator");
        Fabric = new FabricState(topology, kernel);
        Nsmgrs = topology.Nodes.ToDictionary(
            node => node.Nsmgr,
            node => new Nsmgr(node.Nsmgr, node.Name, new MonitorHub(node.Nsmgr, Logger)),
            StringComparer.Ordinal);
        NsmgrNames = [.. topology.Nodes.Select(node => node.Nsmgr)];
        Records = new SimulatorRecords(NsmgrNames);
        RequestFaults = new RequestFaults(NsmgrNames, time, _shuttingDown.Token);
    }

    public Lock Gate { get; } = new();

    public TimeProvider Time { get; }

    public TimeSpan TokenLifetime { get; }

    /// <summary>Every element's SVID and the token policies; null when the simulator serves plaintext.</summary>
    public ElementIdentities? Identities { get; }

    public ILogger Logger { get; }

    public FabricState Fabric { get; }

    /// <summary>The kernel vWires when the data plane is the kernel's; null for the modelled one.</summary>
    public KernelVWires? Kernel { get; }

    public IReadOnlyDictionary<string, Nsmgr> Nsmgrs { get; }

    /// <summary>NSMgr names in topology order.</summary>
    public IReadOnlyList<string> NsmgrNames { get; }

    public SimulatorRecords Records { get; }

    public RequestFaults RequestFaults { get; }

    public Nsmgr NsmgrNamed(string name) =>
        Nsmgrs.GetValueOrDefault(name) ?? throw new KeyNotFoundException($"nsmgr '{name}' is not in the topology");

    public Nsmgr NsmgrOnNode(string node) => Nsmgrs.Values.First(n => n.Node == node);

    /// <summary>Cancels Requests still waiting out injected latency, so the hosts can stop promptly.</summary>
    public void BeginShutdown() => _shuttingDown.Cancel();
}
