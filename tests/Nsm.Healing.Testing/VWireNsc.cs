using System.Diagnostics;
using System.Text.Json;
using Nsm.Netns;
using Nsm.Simulator.DataPlane;

namespace Nsm.Healing.Testing;

/// <summary>
/// An NSC with a kernel interface to come: a named namespace <c>nsmtest-PID-N</c> (leftovers of a crashed run are swept
/// by that prefix) with a process in it, so the silo finds the NSC on its node. Disposing ends the process and deletes
/// the namespace. Interfaces are read straight from the kernel with iproute2.
/// </summary>
public sealed class VWireNsc : IAsyncDisposable
{
    private const string Prefix = "nsmtest";

    private readonly Process _process;

    static VWireNsc() => OwnedNetworkNamespaces.SweepLeftovers(Prefix);

    private VWireNsc(string name, Process process)
    {
        Name = name;
        _process = process;
        Namespace = NamespaceInode.OfPath(Path);
    }

    public string Name { get; }

    public NamespaceInode Namespace { get; }

    /// <summary>The namespace's file, where a check enters it.</summary>
    public string Path => $"/run/netns/{Name}";

    public static async Task<VWireNsc> StartAsync()
    {
        var name = OwnedNetworkNamespaces.Create(Prefix);
        Process? process = null;
        try
        {
            process = Process.Start(new ProcessStartInfo("ip", $"netns exec {name} sleep infinity") { UseShellExecute = false })
                ?? throw new InvalidOperationException("ip netns exec did not start");
            var inode = NamespaceInode.OfPath($"/run/netns/{name}");
            var started = process;
            await Eventually.True(() => NamespaceInode.OfPath($"/proc/{started.Id}/ns/net") == inode, $"the NSC process to run in {name}");
            return new VWireNsc(name, process);
        }
        catch
        {
            process?.Kill();
            process?.Dispose();
            OwnedNetworkNamespaces.Delete(name);
            throw;
        }
    }

    /// <summary>Every interface but lo, by name, with its ifindex.</summary>
    public IReadOnlyDictionary<string, int> Interfaces() => InterfacesIn(Name);

    /// <summary>The interfaces (but lo) of a named namespace.</summary>
    public static IReadOnlyDictionary<string, int> InterfacesIn(string netns)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", $"-n {netns} -j link show") { RedirectStandardOutput = true, UseShellExecute = false })!;
        var output = ip.StandardOutput.ReadToEnd();
        ip.WaitForExit();
        Assert.True(ip.ExitCode == 0, $"ip -n {netns} link show exited {ip.ExitCode}");
        using var links = JsonDocument.Parse(output);
        return links.RootElement.EnumerateArray()
            .Where(link => link.GetProperty("ifname").GetString() != "lo")
            .ToDictionary(link => link.GetProperty("ifname").GetString()!, link => link.GetProperty("ifindex").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        OwnedNetworkNamespaces.Delete(Name);
    }
}
