using System.Runtime.InteropServices;
using Nsm.Api;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Fabric;

/// <summary>
/// The data plane and the registry: forwarders, NSEs (alive or not), which network services have ever
/// had an endpoint, and every connection's wiring, mirrored into kernel vWires when the data plane is the kernel's.
/// Callers hold the simulation gate.
/// </summary>
internal sealed class FabricState
{
    private readonly Dictionary<string, Forwarder> _forwarders = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Nse> _nses = new(StringComparer.Ordinal);
    private readonly List<Nse> _registrationOrder = [];
    private readonly HashSet<string> _servicesEverRegistered = new(StringComparer.Ordinal);
    private readonly HashSet<string> _reservedNames = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Wire>> _wires = new(StringComparer.Ordinal);
    private readonly AddressPoolAllocator _pools;
    private readonly KernelVWires? _kernel;

    /// <param name="kernel">The kernel vWires, or null for the modelled data plane.</param>
    public FabricState(SimulatorTopology topology, KernelVWires? kernel)
    {
        _kernel = kernel;
        _pools = new AddressPoolAllocator(kernel is null ? AddressPlan.Model : AddressPlan.LinkLocal);
        foreach (var node in topology.Nodes)
        {
            _reservedNames.Add(node.Nsmgr);
            foreach (var name in node.Forwarders)
            {
                _forwarders.Add(name, new Forwarder(name, node.Name));
                _reservedNames.Add(name);
            }

            foreach (var nse in node.Nses)
            {
                RegisterNse(nse.Name, node.Name, nse.Services);
            }
        }
    }

    public IEnumerable<Forwarder> Forwarders => _forwarders.Values;

    /// <summary>Every NSE ever registered, dead ones included, in registration order.</summary>
    public IReadOnlyList<Nse> Nses => _registrationOrder;

    public int WiredConnectionCount => _wires.Count;

    public Forwarder? FindForwarder(string name) => _forwarders.GetValueOrDefault(name);

    public Nse? FindNse(string name) => _nses.GetValueOrDefault(name);

    public IEnumerable<Forwarder> AliveForwardersOn(string node) =>
        _forwarders.Values.Where(f => f.Alive && f.Node == node);

    public IEnumerable<Nse> AliveNsesFor(string networkService) =>
        _registrationOrder.Where(nse => nse.Alive && nse.Serves(networkService));

    public bool HasEverServed(string networkService) => _servicesEverRegistered.Contains(networkService);

    public bool IsNameTaken(string name) => _reservedNames.Contains(name);

    public Nse RegisterNse(string name, string node, IReadOnlyList<string> services)
    {
        var pool = _pools.TryAcquire()
            ?? throw new InvalidOperationException($"no free NSE address pool is left for '{name}'");
        var nse = new Nse(name, node, services, pool);
        _nses.Add(name, nse);
        _registrationOrder.Add(nse);
        _reservedNames.Add(name);
        _servicesEverRegistered.UnionWith(services);
        return nse;
    }

    public void Unregister(Nse nse)
    {
        _kernel?.DropNse(nse.Name);
        nse.Kill();
        _pools.Release(nse.Pool);
    }

    /// <summary>The most recently made wiring of a connection: the one its data-plane truth refers to.</summary>
    public Wire? CurrentWire(string connectionId) =>
        _wires.TryGetValue(connectionId, out var wires) ? wires[^1] : null;

    public IReadOnlyList<Wire> WiresOf(string connectionId) =>
        _wires.TryGetValue(connectionId, out var wires) ? wires : [];

    public IEnumerable<Wire> AllWires() => _wires.Values.SelectMany(wires => wires);

    public bool Contains(Wire wire) => _wires.TryGetValue(wire.ConnectionId, out var wires) && wires.Contains(wire);

    /// <summary>
    /// Wires a connection to an NSE. Wiring through the same alive elements is kept as is (a restore keeps
    /// the data plane); otherwise the NSE's wiring for this id is replaced. Wiring at other NSEs stays put.
    /// </summary>
    /// <param name="replaced">The NSE's previous wiring for this id when it was replaced, else null.</param>
    public Wire Attach(
        string connectionId,
        string entryNsmgr,
        IReadOnlyList<NsmgrHop> nsmgrs,
        IReadOnlyList<WiredElement> forwarders,
        WiredElement nse,
        DateTimeOffset expires,
        out Wire? replaced)
    {
        if (!_wires.TryGetValue(connectionId, out var wires))
        {
            wires = new List<Wire>(1);
            _wires.Add(connectionId, wires);
        }

        var existing = wires.Find(w => w.Nse.Name == nse.Name);
        if (existing is not null)
        {
            wires.Remove(existing);
        }

        var keep = existing is not null && IsSameWiring(existing, entryNsmgr, nsmgrs, forwarders, nse);
        var wire = keep ? existing! : new Wire(connectionId, entryNsmgr, nsmgrs, forwarders, nse, expires);
        replaced = keep ? null : existing;
        ReleaseVWire(replaced);
        wire.Expires = expires;
        wires.Add(wire);
        return wire;
    }

    /// <summary>Removes a wiring and releases the NSE's addresses for the connection.</summary>
    public void Detach(Wire wire)
    {
        ReleaseVWire(wire);
        if (!_wires.TryGetValue(wire.ConnectionId, out var wires) || !wires.Remove(wire))
        {
            return;
        }

        if (wires.Count == 0)
        {
            _wires.Remove(wire.ConnectionId);
        }

        _nses[wire.Nse.Name].ReleaseAddresses(wire.ConnectionId);
    }

    /// <summary>The NSE of this wiring is alive and still the incarnation the wiring was made with.</summary>
    public bool IsHeldByNse(Wire wire) => _nses[wire.Nse.Name].Carries(wire.Nse.Incarnation);

    /// <summary>
    /// Wires a kernel-mechanism connection's veth pair, unless its wiring already has one (a restore or refresh through
    /// the same elements leaves the interface untouched). Fails the Request when the kernel refuses.
    /// </summary>
    public void ConnectKernel(Wire wire, SafeHandle nscNamespace, Mechanism mechanism, AddressPair addresses)
    {
        if (_kernel is not null && wire.VWire is null)
        {
            wire.VWire = _kernel.Connect(wire.ConnectionId, wire.Nse.Name, wire.Forwarders[0].Name, nscNamespace, InterfaceName.Requested(mechanism), addresses);
        }
    }

    /// <summary>A forwarder on these wirings died: their veth pairs go with it.</summary>
    public void CutVWires(IEnumerable<Wire> wires) => _kernel?.Cut(wires.Select(wire => wire.VWire).OfType<KernelVWire>());

    /// <summary>"Break data plane": flagged in the model, the NSE end set down in the kernel.</summary>
    public void Break(Wire wire)
    {
        wire.Broken = true;
        if (wire.VWire is { } vwire)
        {
            _kernel?.Break(vwire);
        }
    }

    /// <summary>
    /// Data-plane truth. A kernel vWire's is read from the kernel (links, carriers, addresses); otherwise every element
    /// alive in the wired incarnation and the vWire not broken.
    /// </summary>
    public bool CarriesTraffic(Wire wire) =>
        _kernel is not null && wire.VWire is { } vwire
            ? _kernel.Carries(vwire)
            : !wire.Broken
                && IsHeldByNse(wire)
                && wire.Forwarders.All(f => _forwarders[f.Name].Carries(f.Incarnation));

    private void ReleaseVWire(Wire? wire)
    {
        if (wire?.VWire is { } vwire)
        {
            _kernel?.Release(vwire);
        }
    }

    private static bool IsSameWiring(
        Wire existing,
        string entryNsmgr,
        IReadOnlyList<NsmgrHop> nsmgrs,
        IReadOnlyList<WiredElement> forwarders,
        WiredElement nse) =>
        existing.EntryNsmgr == entryNsmgr
        && existing.Nse == nse
        && existing.Nsmgrs.SequenceEqual(nsmgrs)
        && existing.Forwarders.SequenceEqual(forwarders);
}
