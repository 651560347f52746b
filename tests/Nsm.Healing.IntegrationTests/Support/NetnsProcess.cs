using System.Diagnostics;
using Nsm.Netns;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// An NSC stand-in: <c>unshare --net sleep infinity</c>, a process alone in a network namespace of its own. The
/// namespace has only its loopback and is gone once the process is; nothing in the root namespace is touched.
/// </summary>
public sealed class NetnsProcess : IAsyncDisposable
{
    private readonly Process _process;

    private NetnsProcess(Process process, NamespaceInode inode)
    {
        _process = process;
        Namespace = inode;
    }

    public NamespaceInode Namespace { get; }

    public static async Task<NetnsProcess> StartAsync()
    {
        var own = NamespaceInode.OfPath("/proc/self/ns/net");
        var process = Process.Start(new ProcessStartInfo("unshare", "--net sleep infinity") { UseShellExecute = false })
            ?? throw new InvalidOperationException("unshare did not start");
        try
        {
            // unshare enters the new namespace, then execs sleep: until then the process is still in ours.
            NamespaceInode? inode = null;
            await Eventually.True(() =>
            {
                inode = NamespaceInode.OfPath($"/proc/{process.Id}/ns/net");
                return inode != own;
            }, $"process {process.Id} to be in a network namespace of its own");
            return new NetnsProcess(process, inode!.Value);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>Ends the process, and with it the namespace (unless someone else holds it open).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}
