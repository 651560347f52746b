using System.IO;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns;
using Nsm.Simulator.DataPlane;

namespace Nsm.Simulator.Tests.Support;

/// <summary>
/// An NSC's network namespace for a test: named <c>nsmtest-PID-N</c> (leftovers of a crashed run are swept by that
/// prefix), deleted on dispose. Reads go straight to the kernel with iproute2, not through the simulator.
/// </summary>
internal sealed class TestNamespace : IDisposable
{
    public const string Prefix = "nsmtest";

    static TestNamespace() => OwnedNetworkNamespaces.SweepLeftovers(Prefix);

    public TestNamespace()
    {
        Name = OwnedNetworkNamespaces.Create(Prefix);
        Inode = NamespaceInode.OfPath(PathOf(Name));
    }

    public string Name { get; }

    public NamespaceInode Inode { get; }

    public static string PathOf(string name) => $"/run/netns/{name}";

    /// <summary>A descriptor of the namespace, as an NSC sends it.</summary>
    public SafeFileHandle Open() => NamespaceInode.Open(PathOf(Name));

    /// <summary>Every interface but lo, by name, with its ifindex.</summary>
    public IReadOnlyDictionary<string, int> Interfaces() => InterfacesOf(Name);

    public static IReadOnlyDictionary<string, int> InterfacesOf(string name)
    {
        using var links = JsonDocument.Parse(IpRoute.Tool("ip", ["-n", name, "-j", "link", "show"]));
        return links.RootElement.EnumerateArray()
            .Where(link => link.GetProperty("ifname").GetString() != "lo")
            .ToDictionary(link => link.GetProperty("ifname").GetString()!, link => link.GetProperty("ifindex").GetInt32());
    }

    /// <summary>
    /// The interface's flags and IPv4 addresses, or null when it is not there. (The kernel gives every link an IPv6
    /// fe80:: address of its own; link-local too, never routed.)
    /// </summary>
    public (IReadOnlySet<string> Flags, IReadOnlyList<string> Addresses)? Show(string device) => ShowIn(Name, device);

    public static (IReadOnlySet<string> Flags, IReadOnlyList<string> Addresses)? ShowIn(string name, string device)
    {
        var found = IpRoute.ShowAddresses(NetnsRef.Named(name), device);
        if (found is not { } link)
        {
            return null;
        }

        var flags = link.GetProperty("flags").EnumerateArray().Select(f => f.GetString()!).ToHashSet(StringComparer.Ordinal);
        var addresses = link.GetProperty("addr_info").EnumerateArray()
            .Where(a => a.GetProperty("family").GetString() == "inet")
            .Select(a => $"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}").ToList();
        return (flags, addresses);
    }

    /// <summary>The test process's own namespace's interfaces (names and ifindexes), to show nothing was added there.</summary>
    public static IReadOnlyDictionary<string, int> InterfacesOfProcess()
    {
        using var links = JsonDocument.Parse(IpRoute.Tool("ip", ["-j", "link", "show"]));
        return links.RootElement.EnumerateArray().ToDictionary(link => link.GetProperty("ifname").GetString()!, link => link.GetProperty("ifindex").GetInt32());
    }

    public static bool Exists(string name) => File.Exists(PathOf(name));

    public void Dispose() => OwnedNetworkNamespaces.Delete(Name);
}
