using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Simulator;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// One test's world: its own simulator over real loopback gRPC, a monitor relay per NSMgr into the shared
/// cluster, and helpers to register NSC connections with a fast heal policy.
/// </summary>
public sealed class NscScenario : IAsyncDisposable
{
    /// <summary>Fast retries so tests heal in milliseconds; generous bounds so nothing fails by accident.</summary>
    public static readonly HealPolicy FastPolicy = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(20),
        MaxRetryDelay = TimeSpan.FromMilliseconds(250),
        RequestTimeout = TimeSpan.FromSeconds(3),
        RestoreTimeBeforeReselect = TimeSpan.FromSeconds(5),
        HealDeadline = TimeSpan.FromMinutes(1),
    };

    private readonly Dictionary<string, TestMonitorRelay> _relays;

    private NscScenario(HealingCluster cluster, NsmSimulator simulator, Dictionary<string, TestMonitorRelay> relays)
    {
        Cluster = cluster;
        Simulator = simulator;
        _relays = relays;
    }

    public HealingCluster Cluster { get; }

    public NsmSimulator Simulator { get; }

    public static async Task<NscScenario> StartAsync(HealingCluster cluster, SimulatorTopology? topology = null, TimeProvider? simulatorTime = null)
    {
        var simulator = await NsmSimulator.StartAsync(topology ?? SimulatorTopology.Default(), simulatorTime);
        var relays = simulator.Nsmgrs.ToDictionary(n => n, n => new TestMonitorRelay(cluster.Client, simulator.NsmgrAddress(n)));
        var scenario = new NscScenario(cluster, simulator, relays);
        await Eventually.True(() => relays.Values.All(r => r.StreamsOpened == 1), "monitor relays to connect");
        return scenario;
    }

    /// <summary>How many times the relay of <paramref name="nsmgr"/> (re)connected its monitor stream.</summary>
    public int MonitorStreamsOpened(string nsmgr = "nsmgr-1") => _relays[nsmgr].StreamsOpened;

    public static string NewId(string test) => $"{test}-{Guid.NewGuid():N}";

    public static NetworkServiceRequest NewRequest(string id, string networkService = "ns-1") => new()
    {
        Connection = new Connection
        {
            Id = id,
            NetworkService = networkService,
            Payload = "ETHERNET",
            Labels = { ["app"] = "nsc-test" },
        },
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "KERNEL" } },
    };

    public ConnectionRequest RequestFor(string id, string nsmgr = "nsmgr-1", HealPolicy? policy = null, string networkService = "ns-1") => new()
    {
        NsmgrAddress = Simulator.NsmgrAddress(nsmgr),
        Request = NewRequest(id, networkService),
        ClientName = "nsc-under-test",
        Policy = policy ?? FastPolicy,
    };

    /// <summary>Registers a connection with its grain (and, unless told not to, the relay of its NSMgr); returns the grain once Up.</summary>
    public async Task<IConnectionGrain> ConnectAsync(string id, string nsmgr = "nsmgr-1", HealPolicy? policy = null, bool monitored = true)
    {
        if (monitored)
        {
            _relays[nsmgr].Track(id);
        }

        var grain = Cluster.Connection(id);
        var snapshot = await grain.Request(RequestFor(id, nsmgr, policy));
        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        return grain;
    }

    /// <summary>The NSC's liveness reporter, asking the simulator's data-plane truth every 50 ms.</summary>
    public LivenessReporter StartLivenessReporter(string id)
    {
        var check = new SimulatorLivenessCheck(SharedHttp, new Uri(Simulator.ControlUrl));
        var options = new LivenessReporterOptions
        {
            CheckInterval = TimeSpan.FromMilliseconds(50),
            CheckTimeout = TimeSpan.FromSeconds(1),
            ReaffirmInterval = TimeSpan.FromSeconds(1),
        };
        var reporter = new LivenessReporter(new NsmHealingClient(Cluster.Client), id, check, options, TimeProvider.System, NullLogger<LivenessReporter>.Instance);
        reporter.Start();
        return reporter;
    }

    private static readonly HttpClient SharedHttp = new();

    public async ValueTask DisposeAsync()
    {
        foreach (var relay in _relays.Values)
        {
            await relay.DisposeAsync();
        }

        await Simulator.DisposeAsync();
    }
}
