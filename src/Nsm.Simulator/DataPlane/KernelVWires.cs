using System.Runtime.InteropServices;
using System.Text.Json;
using Grpc.Core;
using Nsm.Netns;
using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.DataPlane;

/// <summary>
/// The simulated forwarders' kernel work: a veth pair per kernel-mechanism connection, made inside the NSE's namespace
/// with its peer created straight into the NSC's (so no end ever exists in the root namespace), addressed from the
/// connection's IP context and up; deleted, downed or read back on demand. One namespace per NSE, made when the NSE
/// first needs one and deleted with the NSE. Callers hold the simulation gate, so commands never interleave.
/// </summary>
internal sealed class KernelVWires : IDisposable
{
    /// <summary>The NSC end's name when the mechanism names none: nsm-N.</summary>
    public const string DefaultPrefix = "nsm-";

    private readonly Dictionary<string, string> _nseNamespaces = new(StringComparer.Ordinal);
    private readonly HashSet<KernelVWire> _live = [];
    private readonly HashSet<NamespaceInode> _refused;
    private int _next;

    public KernelVWires()
    {
        // Never the simulator's own namespace, nor the host's (PID 1's, where this process may look at it): an NSC that
        // sends either gets no interface.
        _refused = [NamespaceInode.OfPath("/proc/self/ns/net")];
        try
        {
            _refused.Add(NamespaceInode.OfPath("/proc/1/ns/net"));
        }
        catch (System.IO.IOException)
        {
            // PID 1 belongs to someone else (a sandbox): its namespace is not one this process could reach either.
        }
    }

    /// <summary>The namespace name kept for an NSE, or null when it has none (no vWire reached it yet, or it died).</summary>
    public string? NamespaceOf(string nse) => _nseNamespaces.GetValueOrDefault(nse);

    /// <summary>Makes the vWire; a refusal fails the Request with what the kernel said and leaves nothing behind.</summary>
    /// <param name="nscNamespace">The descriptor the NSC sent; reopened here, so the caller keeps its own.</param>
    /// <param name="interfaceName">The NSC end's name, or null for nsm-N.</param>
    public KernelVWire Connect(string connectionId, string nse, string forwarder, SafeHandle nscNamespace, string? interfaceName, AddressPair addresses)
    {
        if (_refused.Contains(NamespaceInode.OfDescriptor(nscNamespace)))
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                $"{forwarder} puts no interface into the simulator's or the host's own network namespace: connection {connectionId} needs an NSC namespace of its own"));
        }

        var number = ++_next;
        var nscInterface = interfaceName ?? $"{DefaultPrefix}{number}";
        var nseInterface = $"vwire-{number}";
        var nseNamespace = NamespaceFor(nse);
        var held = NamespaceInode.Open($"/proc/self/fd/{nscNamespace.DangerousGetHandle()}");
        var partial = new KernelVWire(connectionId, held, nscInterface, 0, nseNamespace, nseInterface, addresses);
        try
        {
            IpRoute.Batch(partial.Nse,
            [
                $"link add {nseInterface} type veth peer name {nscInterface} netns {partial.Nsc.LinkTarget}",
                $"addr add {Local(addresses.NseAddress)} peer {addresses.NscAddress} dev {nseInterface}",
                $"link set {nseInterface} up",
            ]);
            IpRoute.Batch(partial.Nsc,
            [
                $"addr add {Local(addresses.NscAddress)} peer {addresses.NseAddress} dev {nscInterface}",
                $"link set {nscInterface} up",
            ]);
            var ifindex = IpRoute.ShowAddresses(partial.Nsc, nscInterface)?.GetProperty("ifindex").GetInt32()
                ?? throw new KernelCommandException($"ip link show dev {nscInterface}", 1, "the interface vanished as it was made");
            var vwire = new KernelVWire(connectionId, held, nscInterface, ifindex, nseNamespace, nseInterface, addresses);
            _live.Add(vwire);
            return vwire;
        }
        catch (KernelCommandException e)
        {
            DeleteLink(partial);
            held.Dispose();
            throw new RpcException(new Status(StatusCode.Internal, $"{forwarder} could not wire connection {connectionId}: {e.Message}"));
        }
    }

    /// <summary>
    /// Deletes the pairs (both ends go with either), as a dying forwarder's data plane vanishes; the NSCs' namespaces stay
    /// held for reads. One <c>ip</c> per NSE namespace, since the simulation waits while it runs; where that batch meets
    /// a pair already gone, pair by pair.
    /// </summary>
    public void Cut(IEnumerable<KernelVWire> vwires)
    {
        foreach (var atNse in vwires.GroupBy(vwire => vwire.NseNamespace))
        {
            try
            {
                IpRoute.Batch(NetnsRef.Named(atNse.Key), atNse.Select(vwire => $"link del {vwire.NseInterface}"));
            }
            catch (KernelCommandException)
            {
                foreach (var vwire in atNse)
                {
                    DeleteLink(vwire);
                }
            }
        }
    }

    /// <summary>The NSE end goes down: the NSC end loses its carrier, no address or route of the NSC's is touched.</summary>
    public void Break(KernelVWire vwire)
    {
        try
        {
            IpRoute.Run(vwire.Nse, "link", "set", vwire.NseInterface, "down");
        }
        catch (KernelCommandException e) when (e.IsMissing)
        {
            // Already cut: broken anyway.
        }
    }

    /// <summary>Deletes the pair and lets go of the NSC's namespace: the connection is closed, superseded or expired.</summary>
    public void Release(KernelVWire vwire)
    {
        if (_live.Remove(vwire))
        {
            DeleteLink(vwire);
            vwire.Dispose();
        }
    }

    /// <summary>The NSE died: its pairs are deleted first (at once, where a namespace's own teardown is deferred), then its namespace.</summary>
    public void DropNse(string nse)
    {
        if (_nseNamespaces.Remove(nse, out var name))
        {
            Cut(_live.Where(v => v.NseNamespace == name));
            OwnedNetworkNamespaces.Delete(name);
        }
    }

    /// <summary>
    /// The truth, read from the kernel: both ends exist (the NSC's with the ifindex it was made with), are up with a
    /// carrier, and hold their addresses.
    /// </summary>
    public bool Carries(KernelVWire vwire) =>
        _live.Contains(vwire)
        && Works(IpRoute.ShowAddresses(vwire.Nsc, vwire.NscInterface), vwire.NscIfindex, vwire.Addresses.NscAddress)
        && Works(IpRoute.ShowAddresses(vwire.Nse, vwire.NseInterface), null, vwire.Addresses.NseAddress);

    /// <summary>Deletes every pair and every namespace this data plane made.</summary>
    public void Dispose()
    {
        foreach (var vwire in _live.ToList())
        {
            Release(vwire);
        }

        foreach (var name in _nseNamespaces.Values)
        {
            OwnedNetworkNamespaces.Delete(name);
        }

        _nseNamespaces.Clear();
    }

    private string NamespaceFor(string nse)
    {
        if (!_nseNamespaces.TryGetValue(nse, out var name))
        {
            name = OwnedNetworkNamespaces.Create(OwnedNetworkNamespaces.SimulatorPrefix);
            _nseNamespaces.Add(nse, name);
        }

        return name;
    }

    private static void DeleteLink(KernelVWire vwire)
    {
        try
        {
            IpRoute.Run(vwire.Nse, "link", "del", vwire.NseInterface);
        }
        catch (KernelCommandException e) when (e.IsMissing)
        {
            // Gone already: a fault cut it, or the NSE's namespace went.
        }
    }

    private static bool Works(JsonElement? link, int? ifindex, string cidr)
    {
        if (link is not { } found || (ifindex is { } expected && found.GetProperty("ifindex").GetInt32() != expected))
        {
            return false;
        }

        var flags = found.GetProperty("flags").EnumerateArray().Select(f => f.GetString()).ToHashSet(StringComparer.Ordinal);
        var local = Local(cidr);
        return flags.Contains("UP") && flags.Contains("LOWER_UP")
            && found.TryGetProperty("addr_info", out var addresses)
            && addresses.EnumerateArray().Any(a => a.TryGetProperty("local", out var address) && address.GetString() == local);
    }

    /// <summary>The address of a /32 CIDR: the peer form (local peer remote/32) takes the prefix on the remote side.</summary>
    private static string Local(string cidr) => cidr.Split('/')[0];
}
