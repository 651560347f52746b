using System.Diagnostics;
using System.IO;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;
using Nsm.Simulator.DataPlane;
using Nsm.Simulator.Topology;
using Orleans.Configuration;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// One test's world: its own redis-server, an in-process NSM simulator (one node, two NSEs, so a reselect
/// has somewhere new to go), silo processes of the real host in the Redis profile with a cluster id of
/// their own, and an Orleans client in the test process. Disposing ends every process, even after a failure.
/// </summary>
public sealed class DurableCluster : IAsyncDisposable
{
    /// <summary>Short, so a heal orphaned by a dead silo resumes within seconds (production: 1 min).</summary>
    public static readonly TimeSpan BackstopReminderPeriod = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _log;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<SiloProcess> _silos = [];
    private readonly List<SiloProcess> _stopped = [];
    private IHost? _clientHost;
    private int _generation;

    private DurableCluster(RedisServer redis, NsmSimulator simulator, ITestOutputHelper log)
    {
        Redis = redis;
        Simulator = simulator;
        _log = log;
        ClusterId = $"durability-{Guid.NewGuid():N}";
    }

    public RedisServer Redis { get; }

    public NsmSimulator Simulator { get; }

    public string ClusterId { get; }

    /// <summary>The same as the cluster id: each test's grain state and reminders have keys of their own in Redis.</summary>
    public string ServiceId => ClusterId;

    /// <summary>The silos started and not yet killed or stopped.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public IClusterClient Client => _clientHost?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("no client connected");

    public string NsmgrAddress => Simulator.NsmgrAddress("nsmgr-1");

    /// <param name="topology">The simulator's topology; by default one node with two NSEs.</param>
    /// <param name="redisFsyncEveryWrite">Redis with <c>appendfsync always</c>, for tests that SIGKILL Redis itself.</param>
    /// <param name="nodes">The node of each silo (<c>Nsm:Cluster:NodeName</c>), in order; by default none names a node.</param>
    /// <param name="dataPlane">The simulator's data plane: modelled by default, kernel vWires for the chaos run's kernel variant.</param>
    public static async Task<DurableCluster> StartAsync(
        int silos, ITestOutputHelper log, SimulatorTopology? topology = null, bool redisFsyncEveryWrite = false,
        IReadOnlyList<string>? nodes = null, DataPlaneMode dataPlane = DataPlaneMode.Model)
    {
        var redis = await RedisServer.StartAsync(fsyncEveryWrite: redisFsyncEveryWrite);
        NsmSimulator simulator;
        try
        {
            simulator = await NsmSimulator.StartAsync(topology ?? SimulatorTopology.Default(nodes: 1, nsesPerNode: 2), dataPlane: dataPlane);
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }

        var cluster = new DurableCluster(redis, simulator, log);
        try
        {
            await cluster.StartSilosAsync(SiloPorts.TakeFree(silos), nodes);
            await cluster.ConnectClientAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one silo per entry of <paramref name="ports"/> (on the node of the same index in <paramref name="nodes"/>) and waits until every one is ready.</summary>
    public async Task StartSilosAsync(IReadOnlyList<SiloPorts> ports, IReadOnlyList<string>? nodes = null)
    {
        _generation++;
        var started = ports.Select((p, i) => TestSilos.Start($"silo-{_generation}.{i + 1}", p, Settings(nodes?[i]))).ToList();
        _silos.AddRange(started);
        await Task.WhenAll(started.Select(silo => silo.WaitReadyAsync(SiloReadyTimeout)));
        Note($"{started.Count} silos ready: {string.Join(", ", started.Select(s => $"{s.Name} (pid {s.Pid}, silo port {s.Ports.Silo})"))}");
    }

    /// <summary>The environment a container of the silo would get, pointing at this test's Redis and cluster id.</summary>
    private Dictionary<string, string> Settings(string? node)
    {
        var settings = new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__Redis__ConnectionString"] = Redis.ConnectionString,
            ["Nsm__Cluster__ClusterId"] = ClusterId,
            ["Nsm__Cluster__ServiceId"] = ServiceId,
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Nsm__Connections__BackstopReminderPeriod"] = BackstopReminderPeriod.ToString(),
        };
        if (node is not null)
        {
            settings["Nsm__Cluster__NodeName"] = node;
        }

        return settings;
    }

    public async Task ConnectClientAsync() => _clientHost = await RedisClusterClient.StartAsync(Redis.ConnectionString, ClusterId, ServiceId);

    public async Task DisconnectClientAsync()
    {
        if (_clientHost is { } host)
        {
            _clientHost = null;
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await host.StopAsync(stopping.Token);
            host.Dispose();
        }
    }

    /// <summary>The running silo whose silo port is <paramref name="siloPort"/>.</summary>
    public SiloProcess SiloOnPort(int siloPort) => _silos.Single(s => s.Ports.Silo == siloPort);

    /// <summary>SIGKILL, then waits until the process is gone.</summary>
    public async Task KillAsync(SiloProcess silo)
    {
        await silo.KillAsync();
        _silos.Remove(silo);
        _stopped.Add(silo);
        Note($"killed {silo.Name} (pid {silo.Pid}) with SIGKILL");
    }

    /// <summary>Until the surviving silos' membership no longer counts <paramref name="silo"/> as active.</summary>
    public Task WaitUntilDeclaredDeadAsync(SiloProcess silo, TimeSpan timeout) => Eventually.True(
        async () =>
        {
            try
            {
                var active = await Client.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);
                return !active.Keys.Any(address => address.Endpoint.Port == silo.Ports.Silo);
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // The management grain itself may have lived on the dead silo until the cluster notices.
                return false;
            }
        },
        $"the cluster to declare {silo.Name} dead", timeout);

    public void Note(string message) => _log.WriteLine($"[{_clock.Elapsed.TotalSeconds,7:F2} s] {message}");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DisconnectClientAsync();
        }
        catch (Exception e)
        {
            // Never in the way of ending the processes below.
            _log.WriteLine($"stopping the client failed: {e.Message}");
        }

        // Set NSM_DURABILITY_LOG_DIR to keep every silo's whole output; the test output only has the last lines.
        var logDirectory = Environment.GetEnvironmentVariable("NSM_DURABILITY_LOG_DIR") is { Length: > 0 } root ? Path.Combine(root, ClusterId) : null;
        foreach (var silo in _silos.Concat(_stopped))
        {
            await silo.DisposeAsync();
            _log.WriteLine($"--- last output of {silo.Name} ---\n{silo.Output.Tail(30)}");
            if (logDirectory is not null)
            {
                Directory.CreateDirectory(logDirectory);
                await File.WriteAllLinesAsync(Path.Combine(logDirectory, $"{silo.Name}.log"), silo.Output.All());
            }
        }

        if (logDirectory is not null)
        {
            _log.WriteLine($"silo logs: {logDirectory}");
        }

        await Simulator.DisposeAsync();
        await Redis.DisposeAsync();
    }
}
