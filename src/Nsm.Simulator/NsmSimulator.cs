using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Simulator.Control;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Faults;
using Nsm.Simulator.Keepalive;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Services;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator;

/// <summary>
/// A running NSM simulator: one real gRPC server per NSMgr on loopback, the HTTP control surface, fault
/// injection and the records of everything that happened. Start one per test; dispose it to stop.
/// </summary>
public sealed class NsmSimulator : IAsyncDisposable
{
    private readonly Simulation _simulation;
    private readonly Dictionary<string, NsmgrHost> _hosts;
    private ControlSurface? _control;

    private NsmSimulator(SimulatorTopology topology, Simulation simulation, Dictionary<string, NsmgrHost> hosts, ActiveDataPlane dataPlane)
    {
        Topology = topology;
        DataPlane = dataPlane;
        _simulation = simulation;
        _hosts = hosts;
    }

    public SimulatorTopology Topology { get; }

    /// <summary>The data plane this simulator runs, kernel vWires or the model, and why.</summary>
    public ActiveDataPlane DataPlane { get; }

    /// <summary>NSMgr names in topology order.</summary>
    public IReadOnlyList<string> Nsmgrs => _simulation.State.NsmgrNames;

    /// <summary>Base URL of the HTTP control surface, e.g. http://127.0.0.1:40125.</summary>
    public string ControlUrl => _control?.Url ?? throw new InvalidOperationException("the control surface is not started");

    public SimulatorFaults Faults => _simulation.Faults;

    public SimulatorRecords Records => _simulation.Records;

    /// <summary>Client PINGs the NSMgrs saw, and connections they closed for too many (GOAWAY "too_many_pings").</summary>
    public KeepaliveRecord Keepalive { get; } = new();

    internal Simulation Simulation => _simulation;

    /// <summary>Starts every NSMgr and the control surface; ports are chosen by the OS unless the topology fixes them.</summary>
    /// <param name="timeProvider">The clock for tokens, expiry, downtime and latency; a FakeTimeProvider in tests.</param>
    /// <param name="controlPort">Loopback port of the control surface; 0 picks a free one.</param>
    /// <param name="security">mTLS and token policies; null means <see cref="SimulatorSecurity.Default"/> (on). Plaintext must be asked for.</param>
    /// <param name="keepalive">How the NSMgrs police client PINGs; grpc-go's defaults (<see cref="KeepalivePolicy.Default"/>) when null.</param>
    /// <param name="dataPlane">Modelled (the default), kernel vWires (fails where the kernel refuses), or Auto (kernel when it can, saying which).</param>
    public static async Task<NsmSimulator> StartAsync(
        SimulatorTopology topology,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null,
        int controlPort = 0,
        CancellationToken cancellationToken = default,
        SimulatorSecurity? security = null,
        KeepalivePolicy? keepalive = null,
        DataPlaneMode dataPlane = DataPlaneMode.Model)
    {
        keepalive = (keepalive ?? KeepalivePolicy.Default).Validate();
        TopologyValidator.Validate(topology);
        ArgumentOutOfRangeException.ThrowIfNegative(controlPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(controlPort, 65535);
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        var (active, kernel) = DataPlaneChoice.Resolve(dataPlane, loggers.CreateLogger("Nsm.Simulator"));
        var simulation = new Simulation(topology, timeProvider ?? TimeProvider.System, loggers, security ?? SimulatorSecurity.Default, kernel);
        var simulator = new NsmSimulator(topology, simulation, new Dictionary<string, NsmgrHost>(StringComparer.Ordinal), active);
        try
        {
            foreach (var node in topology.Nodes)
            {
                simulator._hosts.Add(node.Nsmgr, await NsmgrHost.StartAsync(node, simulation, loggers, keepalive, simulator.Keepalive, cancellationToken).ConfigureAwait(false));
            }

            simulator._control = await ControlSurface.StartAsync(simulator, controlPort, loggers, cancellationToken).ConfigureAwait(false);
            return simulator;
        }
        catch
        {
            await simulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>How the NSMgrs authenticate and authorize callers.</summary>
    public SimulatorSecurity Security => _simulation.State.Identities?.Security ?? SimulatorSecurity.Plaintext;

    /// <summary>The SPIFFE ID an NSMgr (or any element) presents; null on a plaintext simulator.</summary>
    public Nsm.Identity.SpiffeId? IdentityOf(string element) => _simulation.State.Identities?.IdOf(element);

    /// <summary>Gives the NSMgr a new SVID of the given lifetime; new connections see it (e.g. one about to expire).</summary>
    public void RenewNsmgrCertificate(string nsmgr, TimeSpan lifetime)
    {
        _ = Host(nsmgr);
        (_simulation.State.Identities ?? throw new InvalidOperationException("a plaintext simulator has no certificates")).Renew(nsmgr, lifetime);
    }

    /// <summary>The NSMgr's TCP address: https://127.0.0.1:N with security on, http://127.0.0.1:N in plaintext.</summary>
    public string NsmgrAddress(string nsmgr) => Host(nsmgr).Address;

    /// <summary>The unix socket path the NSMgr also listens on, or null.</summary>
    public string? NsmgrUnixSocket(string nsmgr) => Host(nsmgr).UnixSocket;

    public bool IsNsmgrUp(string nsmgr) => _simulation.IsNsmgrUp(nsmgr);

    /// <summary>
    /// Data-plane truth for an NSC's connection id: every forwarder and the NSE on its current wiring are
    /// alive in the wired incarnation and the vWire is not broken; read from the kernel for a kernel vWire. False for an
    /// id that is not wired.
    /// </summary>
    public bool IsDataPlaneUp(string connectionId) => _simulation.DataPlaneUp(connectionId) ?? false;

    /// <summary>The connection's kernel vWire now (read from the kernel), or null when it has none: not wired, not KERNEL, or a modelled data plane.</summary>
    public VWireView? VWireOf(string connectionId) => _simulation.VWireOf(connectionId);

    /// <summary>Where the connection is wired now, or null when it is not wired.</summary>
    public ConnectionWiring? WiringOf(string connectionId) => _simulation.WiringOf(connectionId);

    /// <summary>Connection ids (the NSCs') this NSE holds now.</summary>
    public IReadOnlyList<string> ConnectionsAt(string nse) => _simulation.ConnectionsAt(nse);

    /// <summary>
    /// Connection ids (the NSCs') whose current wiring passes this forwarder or ends at this NSE, whether it works or not,
    /// each with the NSE it ends at. Reads no data plane, so it stays cheap where <see cref="WiringOf"/> asks the kernel.
    /// </summary>
    public IReadOnlyDictionary<string, string> ConnectionsWiredThrough(string element) => _simulation.ConnectionsWiredThrough(element);

    /// <summary>Connection ids (the NSCs') this NSMgr remembers now; empty after a restart.</summary>
    public IReadOnlyList<string> ConnectionsKnownBy(string nsmgr) => _simulation.ConnectionsKnownBy(nsmgr);

    /// <summary>
    /// Plants a connection at the NSMgr as if <paramref name="owner"/> (a SPIFFE ID) had requested it: wired to an NSE,
    /// known to every NSMgr on its path, shown in their snapshots, with no Request recorded. Owned by the healing service's
    /// identity and held by no grain, it is an orphan; under any other identity, a foreign connection.
    /// </summary>
    /// <param name="endpoint">The NSE to wire it to; empty: any serving <paramref name="networkService"/>.</param>
    public Nsm.Api.Connection PlantConnection(string nsmgr, string connectionId, string owner, string networkService, string endpoint = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId);
        ArgumentException.ThrowIfNullOrWhiteSpace(owner);
        var state = _simulation.State;
        var identityNow = state.Identities?.Security.IdentityTime.GetUtcNow() ?? state.Time.GetUtcNow();
        var expires = identityNow + state.TokenLifetime;
        var audience = IdentityOf(nsmgr)?.ToString() ?? nsmgr;
        var caller = new CallerCredentials(null, PlantedToken.For(owner, audience, expires), Nsm.Identity.NsmTokens.FormatExpiry(expires));
        var request = new Nsm.Api.NetworkServiceRequest
        {
            Connection = new Nsm.Api.Connection
            {
                Id = connectionId,
                NetworkService = networkService,
                NetworkServiceEndpointName = endpoint,
                Path = new Nsm.Api.Path { PathSegments = { new Nsm.Api.PathSegment { Name = "planted-nsc", Id = connectionId } } },
            },
            MechanismPreferences = { new Nsm.Api.Mechanism { Cls = "LOCAL", Type = "MEMIF" } },
        };
        return _simulation.Plant(nsmgr, request, caller);
    }

    public async ValueTask DisposeAsync()
    {
        _simulation.Dispose();
        if (_control is not null)
        {
            await _control.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }

        _simulation.DeleteVWires();
    }

    private NsmgrHost Host(string nsmgr) =>
        _hosts.GetValueOrDefault(nsmgr) ?? throw new KeyNotFoundException($"nsmgr '{nsmgr}' is not in the topology");
}
