using System.Runtime.InteropServices;
using Grpc.Core;
using Nsm.Api;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Expiry;
using Nsm.Simulator.Faults;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Monitor;
using Nsm.Simulator.Nsmgrs;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Requests;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator;

/// <summary>
/// The simulated control and data plane without any transport: the one place the pieces are composed.
/// The gRPC services and the control surface are thin adapters over it.
/// </summary>
internal sealed class Simulation : IDisposable
{
    private readonly RequestHandler _requests;
    private readonly CloseHandler _closes;
    private readonly ExpiryScheduler _expiry;

    public Simulation(SimulatorTopology topology, TimeProvider time, ILoggerFactory loggers, SimulatorSecurity security, KernelVWires? kernel = null)
    {
        State = new SimulationState(topology, time, loggers, security, kernel);
        var release = new ConnectionRelease(State);
        var outages = new OutageNotifier(State);
        // Wiring whose NSMgr forgot it (restart) still expires here, in the fabric.
        _expiry = new ExpiryScheduler(time, State.Gate, wire =>
        {
            if (State.Fabric.Contains(wire))
            {
                release.Release(wire, CloseReason.Expired, wire.EntryNsmgr);
            }
        });
        _requests = new RequestHandler(State, new RoutePlanner(State), release, _expiry);
        _closes = new CloseHandler(State, release);
        Faults = new SimulatorFaults(State, new NsmgrLifecycle(State, outages), new FabricFaults(State, outages));
    }

    public SimulationState State { get; }

    public SimulatorFaults Faults { get; }

    public SimulatorRecords Records => State.Records;

    /// <param name="caller">The call's TLS certificate and token metadata; authorized unless the simulator is plaintext.</param>
    /// <param name="nscNamespace">The NSC's namespace a kernel-mechanism Request brought, where its vWire goes.</param>
    public Connection Request(string nsmgr, NetworkServiceRequest request, CallerCredentials caller, SafeHandle? nscNamespace = null, CancellationToken callerWaiting = default) =>
        _requests.Handle(nsmgr, request, caller, nscNamespace, callerWaiting);

    public void Close(string nsmgr, Connection connection, CallerCredentials caller) => _closes.Handle(nsmgr, connection, caller);

    public Connection Plant(string nsmgr, NetworkServiceRequest request, CallerCredentials caller) => _requests.Plant(nsmgr, request, caller);

    public MonitorSubscription Subscribe(string nsmgr, MonitorScopeSelector selector, CallerCredentials caller)
    {
        lock (State.Gate)
        {
            var server = State.NsmgrNamed(nsmgr);
            server.EnsureUp();
            if (State.Identities is { Security.MonitorOwnershipPolicy: true })
            {
                var ids = selector.PathSegments.Select(segment => segment.Id).Where(id => id.Length > 0);
                TokenPolicies.AuthorizeMonitor(ids, caller.Id, server.Owners);
            }

            return server.Monitor.Subscribe(selector, server.Connections.Values);
        }
    }

    public void Unsubscribe(string nsmgr, MonitorSubscription subscription) =>
        State.NsmgrNamed(nsmgr).Monitor.Unsubscribe(subscription);

    /// <summary>Reads state consistently: nothing changes while <paramref name="read"/> runs.</summary>
    public T Inspect<T>(Func<SimulationState, T> read)
    {
        lock (State.Gate)
        {
            return read(State);
        }
    }

    /// <summary>Data-plane truth of the connection's current wiring; null when the id is not wired.</summary>
    public bool? DataPlaneUp(string connectionId) =>
        Inspect(state => state.Fabric.CurrentWire(connectionId) is { } wire ? state.Fabric.CarriesTraffic(wire) : (bool?)null);

    public ConnectionWiring? WiringOf(string connectionId) => Inspect(state =>
        state.Fabric.CurrentWire(connectionId) is { } wire
            ? new ConnectionWiring(connectionId, wire.Nse.Name, wire.ForwarderNames(), wire.Expires, state.Fabric.CarriesTraffic(wire))
            : null);

    public IReadOnlyList<string> ConnectionsAt(string nse) => Inspect<IReadOnlyList<string>>(state =>
    {
        _ = state.Fabric.FindNse(nse) ?? throw new KeyNotFoundException($"nse '{nse}' is not in the topology");
        return [.. state.Fabric.AllWires().Where(w => w.Nse.Name == nse && state.Fabric.IsHeldByNse(w)).Select(w => w.ConnectionId)];
    });

    /// <summary>Connections whose current wiring passes this forwarder or ends at this NSE, working or not, with that NSE: no data-plane read.</summary>
    public IReadOnlyDictionary<string, string> ConnectionsWiredThrough(string element) => Inspect<IReadOnlyDictionary<string, string>>(state =>
        state.Fabric.AllWires()
            .Where(w => state.Fabric.CurrentWire(w.ConnectionId) == w && (w.Nse.Name == element || w.Forwarders.Any(f => f.Name == element)))
            .ToDictionary(w => w.ConnectionId, w => w.Nse.Name, StringComparer.Ordinal));

    public IReadOnlyList<string> ConnectionsKnownBy(string nsmgr) =>
        Inspect<IReadOnlyList<string>>(state => [.. state.NsmgrNamed(nsmgr).Connections.Keys]);

    public bool IsNsmgrUp(string nsmgr) => Inspect(state => state.NsmgrNamed(nsmgr).Up);

    /// <summary>The connection's current kernel vWire as it stands, or null when it has none.</summary>
    public VWireView? VWireOf(string connectionId) => Inspect(state =>
        state.Fabric.CurrentWire(connectionId) is { VWire: { } vwire } wire
            ? new VWireView(
                connectionId, vwire.NscInterface, vwire.NscIfindex, vwire.NseNamespace, vwire.NseInterface,
                vwire.Addresses.NscAddress, vwire.Addresses.NseAddress, state.Fabric.CarriesTraffic(wire))
            : null);

    /// <summary>Deletes every veth pair and namespace of the kernel data plane; once the hosts have stopped, so none is made after.</summary>
    public void DeleteVWires()
    {
        lock (State.Gate)
        {
            State.Kernel?.Dispose();
        }
    }

    /// <summary>Stops expiry and ends every open monitor stream, so the hosts can shut down without waiting.</summary>
    public void Dispose()
    {
        _expiry.Dispose();
        State.BeginShutdown();
        lock (State.Gate)
        {
            foreach (var nsmgr in State.Nsmgrs.Values)
            {
                nsmgr.Monitor.EndAll(new Status(StatusCode.Unavailable, "the simulator is shutting down"));
            }
        }
    }
}
