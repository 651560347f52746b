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
using Orleans.TestingHost;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// A multi-node cluster on one machine: silos with different node names, one simulator NSMgr per node on its own
/// unix socket. Connections are served by their node's silo only. Identity is off here: placement does not depend on it.
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
        builder.ConfigureSilo((_, silo) => silo
            .AddMemoryGrainStorage(HealingStorage.Name)
            .UseInMemoryReminderService()
            .AddNsmHealing(
                configureMonitor: HealingCluster.TestMonitorOptions,
                configureIdentity: identity => identity.Source = IdentitySource.None,
                configureNode: node => node.NodeName = _nextSiloNodes.TryDequeue(out var name) ? name : throw new InvalidOperationException("no node for this silo")));
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

    private ConnectionRequest Request(string id, string node) => new()
    {
        NsmgrAddress = $"unix://{_sockets[node]}",
        NodeName = node,
        Request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = id, NetworkService = "ns-1" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "MEMIF" } },
        },
        Policy = NscScenario.FastPolicy,
    };

    /// <summary>The node of the silo the connection's grain is active on.</summary>
    private async Task<string?> NodeServing(string id)
    {
        var management = _cluster.Client.GetGrain<IManagementGrain>(0);
        var grainId = _cluster.Client.GetGrain<IConnectionGrain>(id).GetGrainId();
        var activation = (await management.GetDetailedGrainStatistics()).Single(s => s.GrainId == grainId);
        return _cluster.GetSiloServiceProvider(activation.SiloAddress).GetRequiredService<IOptions<NodeOptions>>().Value.NodeName;
    }
}
