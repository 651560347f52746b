using System.IO;
using Nsm.Netns;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// An NSC stand-in: <c>unshare --net sleep infinity</c>, a process alone in a network namespace of its own. The
/// namespace has only its loopback and is gone once the process is (unless something else holds it); nothing in the
/// root namespace is touched. Killed when disposed, or when this process exits without disposing it.
/// </summary>
public sealed class NetnsProcess : IAsyncDisposable
{
    private static readonly TimeSpan EnterTimeout = TimeSpan.FromSeconds(10);

    private readonly ChildProcess _process;

    private NetnsProcess(ChildProcess process, NamespaceInode inode)
    {
        _process = process;
        Namespace = inode;
    }

    /// <summary>The namespace the process lives in, as the NSC states it (<c>inode://dev/ino</c>).</summary>
    public NamespaceInode Namespace { get; }

    /// <summary>The process in the namespace: what enters it (nsenter -t PID -n) or moves a device into it.</summary>
    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public static async Task<NetnsProcess> StartAsync(CancellationToken cancellation = default)
    {
        var own = NamespaceInode.OfPath("/proc/self/ns/net");
        var process = ChildProcess.Start("unshare", ["--net", "sleep", "infinity"], new Dictionary<string, string>(), outputLines: 20);
        try
        {
            // unshare enters the new namespace, then execs sleep: until then the process is still in ours.
            NamespaceInode? inode = null;
            await Poll.UntilAsync(
                () =>
                {
                    if (process.HasExited)
                    {
                        throw new InvalidOperationException($"`unshare --net` exited with {process.ExitCode}: {process.Output.Tail()}");
                    }

                    inode = InodeOf(process.Pid);
                    return Task.FromResult(inode is { } found && found != own);
                },
                $"process {process.Pid} to be in a network namespace of its own", EnterTimeout, () => process.Output.Tail(), cancellation);
            return new NetnsProcess(process, inode!.Value);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Ends the process, and with it the namespace (unless someone else holds it open).</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static NamespaceInode? InodeOf(int pid)
    {
        try
        {
            return NamespaceInode.OfPath($"/proc/{pid}/ns/net");
        }
        catch (IOException)
        {
            // Between fork and exec the link may not be readable yet.
            return null;
        }
    }
}
