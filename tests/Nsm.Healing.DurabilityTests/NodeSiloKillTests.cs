using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator.Topology;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>
/// Node-local execution with real processes: the silo of an NSC's node is killed with SIGKILL. The NSC's kernel
/// connection waits for its node (no NSMgr call from the other node's silo), and the node's replacement silo, a new
/// process, finds the NSC's namespace again under /proc and passes it on its calls. Needs root (namespaces of its own).
/// </summary>
[Trait("Category", "Slow")]
public sealed class NodeSiloKillTests(ITestOutputHelper output)
{
    private const string Waiting = "no silo on node node-1: waiting for it";

    [NamespaceFact]
    public async Task A_nodes_silo_killed_with_sigkill_is_replaced_and_its_new_activation_passes_the_nscs_namespace_again()
    {
        var socket = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"nsm-{Guid.NewGuid():N}.sock");
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node.WithForwarders("fwd-1a", "fwd-1b").AddNse("nse-1a", "ns-1").AddNse("nse-1b", "ns-1").WithUnixSocket(socket))
            .Build();
        await using var nsc = await NetnsProcess.StartAsync();
        await using var cluster = await DurableCluster.StartAsync(silos: 2, output, topology, nodes: ["node-1", "node-2"]);
        var id = Connections.NewIds("node-kill", 1)[0];
        var grain = cluster.Client.GetGrain<IConnectionGrain>(id);
        await new NsmHealingClient(cluster.Client).RequestAsync(KernelRequest(id, socket, nsc));
        var nodeSilo = cluster.Silos[0];
        Assert.Equal(nodeSilo.Ports.Silo, await SiloPortServing(cluster, grain));

        await cluster.KillAsync(nodeSilo);
        await cluster.WaitUntilDeclaredDeadAsync(nodeSilo, TimeSpan.FromSeconds(30));
        var callsAtKill = Calls(cluster, id);
        var namespacesAtKill = cluster.Simulator.Records.Namespaces(id).Count;
        await Answered(() => grain.ReportDataPlane(DataPlaneVerdict.Down, checkedConnection: null), "the data-plane report");
        var waiting = await Reaches(grain, ConnectionPhase.Healing, s => s.Reason == Waiting, TimeSpan.FromSeconds(30));
        var callsWhileWaiting = Calls(cluster, id);
        cluster.Note($"{id} waiting on {await SiloPortServing(cluster, grain)}: {waiting.Reason}");

        await cluster.StartSilosAsync(SiloPorts.TakeFree(1), ["node-1"]);
        var replacement = cluster.Silos[^1];
        var healed = await Reaches(grain, ConnectionPhase.Up, s => s.History.Count == 1, TimeSpan.FromSeconds(30));

        Assert.Equal(callsAtKill, callsWhileWaiting);
        Assert.Equal(HealDecision.Reselect, Assert.Single(healed.History).Decision);
        Assert.Equal(replacement.Ports.Silo, await SiloPortServing(cluster, grain));
        // The dead silo's descriptors left the NSMgr with its socket: these came from the replacement, which found the
        // namespace itself. A reselect: the Close of the old connection, then the Request, each carrying it.
        var afterKill = cluster.Simulator.Records.Namespaces(id).Skip(namespacesAtKill).ToList();
        Assert.Equal(["Close", "Request"], afterKill.Select(r => r.Call));
        Assert.All(afterKill, r => Assert.Equal(nsc.Namespace, r.Namespace));
    }

    private static ConnectionRequest KernelRequest(string id, string socket, NetnsProcess nsc) => new()
    {
        NsmgrAddress = $"unix://{socket}",
        NodeName = "node-1",
        ClientName = "nsc-node-kill",
        // The default call timeout: a cold silo's first mTLS handshake on a loaded machine may outlast the fast 3 s.
        Policy = Connections.FastPolicy with { RequestTimeout = HealPolicy.Default.RequestTimeout },
        Request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = id, NetworkService = "ns-1", Payload = "ETHERNET" },
            MechanismPreferences = { new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = nsc.Namespace.ToUrl() } } },
        },
    };

    /// <summary>Right after a silo's death, a call may still meet it; an NSC retries, and so do we.</summary>
    private static async Task Answered(Func<Task> call, string what) =>
        await Eventually.True(async () => await Answered(async () => { await call(); return true; }), what, TimeSpan.FromSeconds(30));

    private static async Task<T?> Answered<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is OrleansException or TimeoutException)
        {
            return default;
        }
    }

    private static int Calls(DurableCluster cluster, string id) => cluster.Simulator.Records.Requests(id).Count + cluster.Simulator.Records.Closes(id).Count;

    /// <summary>The silo port of the one silo the grain is active on, from Orleans' own activation statistics.</summary>
    private static async Task<int> SiloPortServing(DurableCluster cluster, IConnectionGrain grain)
    {
        var grainId = grain.GetGrainId();
        var port = 0;
        await Eventually.True(async () =>
        {
            var activations = (await cluster.Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics()).Where(a => a.GrainId == grainId).ToList();
            port = activations.Count == 1 ? activations[0].SiloAddress.Endpoint.Port : 0;
            return port != 0;
        }, $"one activation of {grainId}");
        return port;
    }

    private static async Task<ConnectionSnapshot> Reaches(IConnectionGrain grain, ConnectionPhase phase, Func<ConnectionSnapshot, bool> predicate, TimeSpan timeout)
    {
        ConnectionSnapshot? last = null;
        try
        {
            await Eventually.True(async () => await Answered(async () => last = await grain.GetState()) is { } seen && seen.Phase == phase && predicate(seen), $"{phase}", timeout);
            return last!;
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; last seen: {last?.Phase} '{last?.Reason}', history {last?.History.Count}", e);
        }
    }
}
