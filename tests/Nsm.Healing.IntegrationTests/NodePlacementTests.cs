using Nsm.Healing.Monitoring;
using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Placement;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;
using Orleans.Runtime.Hosting;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.TestingHost;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A multi-node cluster on one machine: silos with different node names, one simulator NSMgr per node on its own
/// unix socket. Connections are served by their node's silo only. Identity is off here: placement does not depend on it.
/// Every silo may dial every node's socket, as in a cluster where each node's socket has the same path.
/// </summary>
public sealed class NodePlacementTests : IAsyncLifetime
{
    private readonly ConcurrentQueue<string> _nextSiloNodes = new(["node-1", "node-2"]);
    private readonly Dictionary<string, string> _sockets = new()
    {
        ["node-1"] = NamespacePassingTests.UnixSocketPath(),
        ["node-2"] = NamespacePassingTests.UnixSocketPath(),
        ["node-3"] = NamespacePassingTests.UnixSocketPath(),
    };

    private InProcessTestCluster _cluster = null!;
    private NsmSimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        var topology = SimulatorTopology.Builder();
        foreach (var (node, index) in _sockets.Keys.Select((node, index) => (node, index + 1)))
        {
            topology.AddNode(node, $"nsmgr-{index}", n => n.WithForwarders($"fwd-{index}a", $"fwd-{index}b").AddNse($"nse-{index}a", "ns-1").AddNse($"nse-{index}b", "ns-1").WithUnixSocket(_sockets[node]));
        }

        _simulator = await NsmSimulator.StartAsync(topology.Build(), security: SimulatorSecurity.Plaintext);
        var builder = new InProcessTestClusterBuilder(2);
        // Connection state must outlive a stopped silo: Orleans' memory storage lives in grains on the silos and would
        // lose the part held by node-3's silo (the connection then looks never requested).
        builder.ConfigureSilo((_, silo) => silo
            .UseInMemoryReminderService()
            .AddNsmHealing(
                configureNsmgr: nsmgr => nsmgr.AllowedAddresses = [.. _sockets.Values.Select(socket => $"unix://{socket}")],
                configureMonitor: HealingCluster.TestMonitorOptions,
                configureIdentity: identity => identity.Source = IdentitySource.None,
                configureNode: node => node.NodeName = _nextSiloNodes.TryDequeue(out var name) ? name : throw new InvalidOperationException("no node for this silo"))
            .Services.AddGrainStorage(HealingStorage.Name, (services, _) => new FaultyGrainStorage(services.GetRequiredService<Serializer>(), GrainStateStore.ProcessWide)));
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _simulator.DisposeAsync();
    }

    [Fact]
    public async Task Each_nodes_silo_serves_the_connections_of_its_own_node_only()
    {
        var ids = new List<(string Id, string Node)>();
        foreach (var node in new[] { "node-1", "node-2" })
        {
            for (var i = 0; i < 4; i++)
            {
                var id = NscScenario.NewId($"{node}-{i}");
                await Client().RequestAsync(Request(id, node));
                ids.Add((id, node));
            }
        }

        foreach (var (id, node) in ids)
        {
            Assert.Equal(node, await NodeServing(id));
        }
    }

    /// <summary>
    /// Every node's NSMgr listens at the node-local socket path (here each has a path of its own, so the simulator can run
    /// them side by side), so its monitor stream must be read from that node: one monitor per node, on its silo.
    /// </summary>
    [Fact]
    public async Task Each_nodes_nsmgr_is_monitored_from_that_nodes_silo()
    {
        foreach (var node in new[] { "node-1", "node-2" })
        {
            await Client().RequestAsync(Request(NscScenario.NewId($"{node}-monitored"), node));
        }

        foreach (var node in new[] { "node-1", "node-2" })
        {
            var key = MonitorKey.For($"unix://{_sockets[node]}", node);
            Assert.Equal($"{node}|unix://{_sockets[node]}", key);
            var monitor = _cluster.Client.GetGrain<INsmgrMonitorGrain>(key);
            MonitorStatus status = null!;
            await Eventually.True(async () => (status = await monitor.GetStatus()).StreamConnected, $"the monitor of {key} to stream");
            var silo = _cluster.Silos.Single(s => s.SiloAddress.ToString() == status.Silo);
            Assert.Equal(node, _cluster.GetSiloServiceProvider(silo.SiloAddress).GetRequiredService<IOptions<NodeOptions>>().Value.NodeName);
            Assert.Equal(1, _simulator.Records.OpenMonitorStreams($"nsmgr-{node[^1]}"));
        }

        Assert.Contains(MonitorKey.For($"unix://{_sockets["node-1"]}", "node-1"), await _cluster.Client.GetGrain<IMonitorDirectoryGrain>(0).List());
    }

    /// <summary>
    /// Deterministic by waiting on what the system itself waits on: every silo's view of node-3 (membership and silo
    /// metadata) before the heal starts, so the grain is not placed on the silo that has just left; the heal then waits,
    /// and must resume on its own once node-3 has a silo again.
    /// </summary>
    [Fact]
    public async Task A_connection_whose_node_has_no_silo_waits_visibly_then_heals_within_seconds_of_its_silo_joining()
    {
        var node3 = await StartSiloOn("node-3");
        var id = NscScenario.NewId("node-3-wait");
        await Client().RequestAsync(Request(id, "node-3"));
        Assert.Equal("node-3", await NodeServing(id));

        await _cluster.StopSiloAsync(node3);
        await EverySiloSees("node-3", hasSilo: false);
        var grain = _cluster.Client.GetGrain<IConnectionGrain>(id);
        await grain.ReportDataPlane(DataPlaneVerdict.Down, checkedConnection: null);
        var waiting = await Reaches(grain, ConnectionPhase.Healing, s => s.Reason == "no silo on node node-3: waiting for it");
        var servedFrom = await NodeServing(id);
        var requestsWhileWaiting = _simulator.Records.Requests(id).Count;
        var closesWhileWaiting = _simulator.Records.Closes(id).Count;

        await StartSiloOn("node-3");
        var healed = await Reaches(grain, ConnectionPhase.Up, s => s.History.Count == 1, TimeSpan.FromSeconds(15));

        Assert.NotEqual("node-3", servedFrom);
        Assert.Equal((1, 0), (requestsWhileWaiting, closesWhileWaiting));
        Assert.Equal(HealDecision.Reselect, Assert.Single(healed.History).Decision);
        Assert.Null(healed.Reason);
        Assert.Equal("node-3", await NodeServing(id));
        Assert.Equal(ConnectionPhase.Healing, waiting.Phase);
    }

    [Fact]
    public async Task A_connection_heals_on_its_own_node_while_another_node_has_no_silo()
    {
        var node3 = await StartSiloOn("node-3");
        await _cluster.StopSiloAsync(node3);
        await EverySiloSees("node-3", hasSilo: false);
        var id = NscScenario.NewId("node-1-alone");
        await Client().RequestAsync(Request(id, "node-1"));
        var grain = _cluster.Client.GetGrain<IConnectionGrain>(id);

        await grain.ReportDataPlane(DataPlaneVerdict.Down, checkedConnection: null);
        var healed = await Reaches(grain, ConnectionPhase.Up, s => s.History.Count == 1);

        Assert.Equal(HealOutcome.Healed, Assert.Single(healed.History).Outcome);
        Assert.Equal("node-1", await NodeServing(id));
    }

    [Fact]
    public async Task A_first_request_for_a_node_without_a_silo_fails_at_once_naming_the_node()
    {
        var id = NscScenario.NewId("node-3-first");

        var refused = await Assert.ThrowsAsync<NsmRequestFailedException>(() => Client().RequestAsync(Request(id, "node-3")));

        Assert.Equal("Unavailable", refused.StatusCode);
        Assert.Contains("no silo on node node-3", refused.Message);
        Assert.Empty(_simulator.Records.Requests(id));
    }

    private NsmHealingClient Client() => new(_cluster.Client);

    private async Task<InProcessSiloHandle> StartSiloOn(string node)
    {
        _nextSiloNodes.Enqueue(node);
        var silo = await _cluster.StartAdditionalSiloAsync();
        await EverySiloSees(node, hasSilo: true);
        return silo;
    }

    /// <summary>
    /// Waits until every live silo agrees whether <paramref name="node"/> has a silo: in its membership and silo metadata
    /// (what the grains and placement ask) and, for a silo that joined, in its cluster manifest (what makes it a
    /// compatible place for a grain).
    /// </summary>
    private Task EverySiloSees(string node, bool hasSilo) => Eventually.True(
        () => _cluster.Silos.All(silo =>
        {
            var services = _cluster.GetSiloServiceProvider(silo.SiloAddress);
            var onNode = services.GetRequiredService<ClusterNodes>().SilosOn(node);
            var manifests = services.GetRequiredService<IClusterManifestProvider>().Current.Silos;
            return onNode.Length > 0 == hasSilo && onNode.All(manifests.ContainsKey);
        }),
        $"every silo sees {(hasSilo ? "a" : "no")} silo on {node}");

    /// <summary>As <see cref="Eventually.Phase"/>, naming the last state seen when it times out.</summary>
    private static async Task<ConnectionSnapshot> Reaches(IConnectionGrain grain, ConnectionPhase phase, Func<ConnectionSnapshot, bool> predicate, TimeSpan? timeout = null)
    {
        ConnectionSnapshot? last = null;
        try
        {
            await Eventually.True(async () => (last = await grain.GetState()) is { } seen && seen.Phase == phase && predicate(seen), $"{phase}", timeout);
            return last!;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen: {last?.Phase} '{last?.Reason}', history {last?.History.Count}", e);
        }
    }

    private ConnectionRequest Request(string id, string node) => new()
    {
        NsmgrAddress = $"unix://{_sockets[node]}",
        NodeName = node,
        Request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = id, NetworkService = "ns-1" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } },
        },
        // Fast retries, but the default call timeout: a first call on a loaded machine right after a silo left may take
        // longer than the fast policy's 3 s, and these tests are about placement, not timeouts.
        Policy = NscScenario.FastPolicy with { RequestTimeout = HealPolicy.Default.RequestTimeout },
    };

    /// <summary>The node of the silo the connection's grain is active on, once it is active on exactly one.</summary>
    private async Task<string?> NodeServing(string id)
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var grainId = _cluster.Client.GetGrain<IConnectionGrain>(id).GetGrainId();
        DetailedGrainStatistic? activation = null;
        await Eventually.True(async () =>
        {
            var activations = (await management.GetDetailedGrainStatistics()).Where(s => s.GrainId == grainId).ToList();
            activation = activations.Count == 1 ? activations[0] : null;
            return activation is not null;
        }, $"one activation of connection {id}");
        return _cluster.GetSiloServiceProvider(activation!.SiloAddress).GetRequiredService<IOptions<NodeOptions>>().Value.NodeName;
    }
}
