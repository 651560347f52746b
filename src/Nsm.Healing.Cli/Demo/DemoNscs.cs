using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;
using Nsm.Simulator.DataPlane;

namespace Nsm.Healing.Cli.Demo;

/// <summary>
/// The demo's NSCs: N connections spread over the nodes' NSMgrs, each handed to its grain (served by its node's silo)
/// and watched by a liveness reporter: an ICMP echo from inside its namespace over kernel vWires, else the simulator's
/// data-plane truth.
/// </summary>
public sealed class DemoNscs : IAsyncDisposable
{
    /// <summary>
    /// Fast retries so heals take milliseconds. The reporters report verdict changes only (see <see cref="Liveness"/>),
    /// and a verdict counts for 1 s: so a DOWN event meets an unknown data plane and reselects, as upstream does,
    /// unless the check has just seen the vWire work; a failed check still reselects at once.
    /// </summary>
    public static readonly HealPolicy Policy = new()
    {
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromSeconds(1),
        RequestTimeout = TimeSpan.FromSeconds(3),
        HealDeadline = TimeSpan.FromMinutes(2),
        RestoreTimeBeforeReselect = TimeSpan.FromSeconds(10),
        DataPlaneVerdictLifetime = TimeSpan.FromSeconds(1),
    };

    /// <summary>A check every 250 ms; an unchanged verdict is not repeated within the demo's run.</summary>
    public static readonly LivenessReporterOptions Liveness = new()
    {
        CheckInterval = TimeSpan.FromMilliseconds(250),
        CheckTimeout = TimeSpan.FromSeconds(1),
        ReaffirmInterval = TimeSpan.FromHours(1),
    };

    private const int FirstRequestAttempts = 3;

    private readonly HttpClient _http = new();
    private readonly List<LivenessReporter> _reporters = [];
    private readonly Dictionary<string, string> _nsmgrOf = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Ids => [.. _nsmgrOf.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The simulator's name of the NSMgr the connection was requested at.</summary>
    public string NsmgrOf(string id) => _nsmgrOf[id];

    public IEnumerable<string> On(string nsmgr) => Ids.Where(id => _nsmgrOf[id] == nsmgr);

    /// <summary>The NSCs' ids, one connection each: nsc-01, nsc-02, …</summary>
    public static IReadOnlyList<string> IdsFor(int count) => [.. Enumerable.Range(1, count).Select(n => $"nsc-{n:D2}")];

    /// <summary>The address an NSC of <paramref name="nsmgr"/>'s node dials: its node-local unix socket.</summary>
    public static string AddressOf(NsmSimulator simulator, string nsmgr) => $"unix://{simulator.NsmgrUnixSocket(nsmgr)}";

    /// <summary>Spread over the NSMgrs in turn; each NSC states its node, and its namespace when it has one.</summary>
    public static async Task<DemoNscs> StartAsync(NsmSimulator simulator, IGrainFactory grains, NscNamespaces namespaces, int count, CancellationToken cancellation)
    {
        var nscs = new DemoNscs();
        try
        {
            var client = new NsmHealingClient(grains);
            var requests = IdsFor(count).Select(async (id, index) =>
            {
                var nsmgr = simulator.Nsmgrs[index % simulator.Nsmgrs.Count];
                await RequestWithRetriesAsync(client, RequestFor(id, AddressOf(simulator, nsmgr), DemoTopology.NodeOf(nsmgr), namespaces.Of(id)), cancellation);
                return (id, nsmgr);
            });
            foreach (var (id, nsmgr) in await Task.WhenAll(requests))
            {
                nscs._nsmgrOf[id] = nsmgr;
                var check = LivenessCheckFor(simulator, namespaces.Of(id), nscs._http);
                var reporter = new LivenessReporter(client, id, check, Liveness, TimeProvider.System, NullLogger<LivenessReporter>.Instance);
                reporter.Start();
                nscs._reporters.Add(reporter);
            }

            return nscs;
        }
        catch
        {
            await nscs.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// With kernel vWires an NSC pings its NSE's address from inside its own namespace, as a real NSC's liveness check
    /// does; with the modelled data plane it asks the simulator whether its vWire works.
    /// </summary>
    private static ILivenessCheck LivenessCheckFor(NsmSimulator simulator, NetnsProcess? nsc, HttpClient http) =>
        simulator.DataPlane.Mode == DataPlaneMode.Kernel && nsc is not null
            ? new NamespacedLivenessCheck(new IcmpPingLivenessCheck(new IcmpPingLivenessCheckOptions()), $"/proc/{nsc.Pid}/ns/net")
            : new SimulatorLivenessCheck(http, new Uri(simulator.ControlUrl));

    /// <summary>
    /// As an NSC retries its first Request: on a loaded machine a cold silo's first mTLS handshake with its NSMgr can
    /// outlast the policy's 3 s request timeout. A failed first Request leaves nothing behind, so asking again is safe.
    /// </summary>
    private static async Task RequestWithRetriesAsync(NsmHealingClient client, ConnectionRequest request, CancellationToken cancellation)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.RequestAsync(request, cancellation);
                return;
            }
            catch (NsmRequestFailedException) when (attempt < FirstRequestAttempts)
            {
            }
        }
    }

    /// <summary>
    /// KERNEL with the NSC's namespace as inode://dev/ino, so every Request and Close carries it as a descriptor; MEMIF
    /// (no namespace to pass) where the demo could not make namespaces.
    /// </summary>
    private static ConnectionRequest RequestFor(string id, string nsmgrAddress, string node, NetnsProcess? netns) => new()
    {
        NsmgrAddress = nsmgrAddress,
        NodeName = node,
        ClientName = id,
        Policy = Policy,
        Request = new NetworkServiceRequest
        {
            Connection = new Connection { Id = id, NetworkService = DemoTopology.NetworkService, Payload = "ETHERNET", Labels = { ["app"] = "nsm-heal-demo" } },
            MechanismPreferences =
            {
                netns is null
                    ? new Mechanism { Cls = "LOCAL", Type = "MEMIF" }
                    : new Mechanism { Cls = "LOCAL", Type = "KERNEL", Parameters = { ["inodeURL"] = netns.Namespace.ToUrl() } },
            },
        },
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var reporter in _reporters)
        {
            await reporter.DisposeAsync();
        }

        _http.Dispose();
    }
}
