using System.Collections.Concurrent;
using Nsm.Api;
using Nsm.Healing.Client;
using Nsm.Healing.Namespaces;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// The NSCs of the kernel variant: each connection's NSC holds a network namespace of its own (a <see cref="VWireNsc"/>,
/// with a process in it so that a silo finds it by inode), requests the KERNEL mechanism naming it over its NSMgr's unix
/// socket (the simulator then wires a veth pair into it), and judges its vWire by pinging the NSE-side address from
/// inside it. Disposing ends every NSC's process and deletes every namespace.
/// </summary>
public sealed class KernelNscs : IAsyncDisposable
{
    // A few at a time: each is an `ip netns add` and a process, on a machine other tests share.
    private const int StartConcurrency = 4;

    /// <summary>
    /// The durability tests' fast policy with a 10 s request timeout instead of 3 s: the simulator's NSMgrs wait for every
    /// kernel command (a few `ip` processes per Request, Close and data-plane read, one at a time), which on 2 busy cores
    /// can hold a call past 3 s. A call the grain gave up on would still complete at the simulator, while the grain's
    /// next one arrives: two calls in flight that only the harness's slowness made.
    /// </summary>
    public static readonly HealPolicy Policy = Connections.FastPolicy with { RequestTimeout = TimeSpan.FromSeconds(10) };

    private readonly IReadOnlyDictionary<string, VWireNsc> _nscs;
    private readonly IReadOnlyDictionary<string, ILivenessCheck> _pings;

    private KernelNscs(IReadOnlyDictionary<string, VWireNsc> nscs)
    {
        _nscs = nscs;
        var ping = new IcmpPingLivenessCheck(new IcmpPingLivenessCheckOptions());
        _pings = nscs.ToDictionary(nsc => nsc.Key, ILivenessCheck (nsc) => new NamespacedLivenessCheck(ping, nsc.Value.Path), StringComparer.Ordinal);
    }

    /// <summary>A namespace with a process in it for each of <paramref name="ids"/>; none left behind if one fails.</summary>
    public static async Task<KernelNscs> StartAsync(IReadOnlyList<string> ids)
    {
        var started = new ConcurrentDictionary<string, VWireNsc>(StringComparer.Ordinal);
        try
        {
            await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = StartConcurrency }, async (id, _) => started[id] = await VWireNsc.StartAsync());
        }
        catch
        {
            foreach (var nsc in started.Values)
            {
                await nsc.DisposeAsync();
            }

            throw;
        }

        return new KernelNscs(started);
    }

    /// <summary>The NSC's Request: KERNEL, naming its namespace by inode, to the NSMgr's unix socket (a descriptor travels only there).</summary>
    public ConnectionRequest RequestFor(string id, string unixSocket)
    {
        var request = Connections.RequestFor(id, $"unix://{unixSocket}");
        var nsc = request.Request.Clone();
        nsc.MechanismPreferences.Clear();
        nsc.MechanismPreferences.Add(new Mechanism
        {
            Cls = "LOCAL",
            Type = KernelMechanisms.Type,
            Parameters = { [KernelMechanisms.InodeUrlParameter] = _nscs[id].Namespace.ToUrl() },
        });
        return request with { Request = nsc, Policy = Policy };
    }

    /// <summary>An ICMP echo from inside the NSC's namespace to the Connection's NSE-side address (its dst IPs).</summary>
    public Task<LivenessResult> PingAsync(string id, Connection connection, CancellationToken cancellationToken) =>
        _pings[id].CheckAsync(connection, cancellationToken);

    /// <summary>The interfaces (but lo) in the NSC's namespace now, by name, with their ifindex; read from the kernel.</summary>
    public IReadOnlyDictionary<string, int> InterfacesOf(string id) => _nscs[id].Interfaces();

    public async ValueTask DisposeAsync()
    {
        foreach (var nsc in _nscs.Values)
        {
            await nsc.DisposeAsync();
        }
    }
}
