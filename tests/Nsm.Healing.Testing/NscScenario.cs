using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Simulator;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Testing;

/// <summary>
/// One test's world: its own simulator over real loopback gRPC, the shared cluster (whose monitor workers
/// watch the simulator's NSMgrs), and helpers to register NSC connections with a fast heal policy.
/// Disposing closes every connection it registered, so no monitor keeps watching a simulator that is gone.
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

    private static readonly HttpClient SharedHttp = new();
    private readonly List<string> _registered = [];

    private NscScenario(HealingCluster cluster, NsmSimulator simulator)
    {
        Cluster = cluster;
        Simulator = simulator;
    }

    public HealingCluster Cluster { get; }

    public NsmSimulator Simulator { get; }

    public static async Task<NscScenario> StartAsync(
        HealingCluster cluster, SimulatorTopology? topology = null, TimeProvider? simulatorTime = null, DataPlaneMode dataPlane = DataPlaneMode.Model) =>
        new(cluster, await NsmSimulator.StartAsync(topology ?? SimulatorTopology.Default(), simulatorTime, dataPlane: dataPlane));

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
        // Not KERNEL: these NSMgrs are dialed over TCP, where the NSC's namespace cannot travel (NamespacePassingTests do KERNEL).
        MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } },
    };

    public ConnectionRequest RequestFor(string id, string nsmgr = "nsmgr-1", HealPolicy? policy = null, string networkService = "ns-1") => new()
    {
        NsmgrAddress = Simulator.NsmgrAddress(nsmgr),
        Request = NewRequest(id, networkService),
        ClientName = "nsc-under-test",
        Policy = policy ?? FastPolicy,
    };

    /// <summary>Registers a connection with its grain; returns the grain once Up and its NSMgr's monitor stream is open.</summary>
    public async Task<IConnectionGrain> ConnectAsync(string id, string nsmgr = "nsmgr-1", HealPolicy? policy = null, bool waitForMonitor = true)
    {
        var grain = Cluster.Connection(id);
        lock (_registered)
        {
            _registered.Add(id);
        }

        var snapshot = await grain.Request(RequestFor(id, nsmgr, policy));
        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        if (waitForMonitor)
        {
            await WaitForMonitorStream(nsmgr);
        }

        return grain;
    }

    /// <summary>Waits until the cluster holds its one monitor stream to <paramref name="nsmgr"/> and has read its snapshot.</summary>
    public async Task WaitForMonitorStream(string nsmgr = "nsmgr-1") =>
        await Eventually.True(async () =>
            Simulator.Records.OpenMonitorStreams(nsmgr) == 1
            && (await Cluster.Monitor(Simulator.NsmgrAddress(nsmgr)).GetStatus()).StreamConnected,
            $"the monitor stream to {nsmgr}");

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

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(_registered.Select(id => Cluster.Connection(id).Close()));
        await Simulator.DisposeAsync();
    }
}
