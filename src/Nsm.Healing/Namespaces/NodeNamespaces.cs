using System.IO;
using System.Collections.Concurrent;
using Nsm.Netns;

namespace Nsm.Healing.Namespaces;

/// <summary>
/// Finds the NSC's namespace among the node's processes and bind mounts (<see cref="NamespaceDirectory"/>). A silo's
/// own hold on a namespace keeps it from being freed, so the NSC's end is seen by looking for a process in it
/// (<see cref="CheckWatched"/>, run periodically by <see cref="NscNamespaceWatch"/>), never by the namespace vanishing.
/// </summary>
public sealed class NodeNamespaces : INscNamespaces
{
    private readonly ConcurrentDictionary<Watcher, byte> _watched = new();

    public NscNamespace Hold(string statedUrl)
    {
        if (NamespaceInode.TryParse(statedUrl, out var inode))
        {
            var found = NamespaceDirectory.Open(inode)
                ?? throw new NscNamespaceGoneException($"no process on this node lives in network namespace {statedUrl}, and no bind mount pins it");
            return new NscNamespace(found.Handle, inode, statedUrl, found.Path);
        }

        var path = FilePath(statedUrl);
        Microsoft.Win32.SafeHandles.SafeFileHandle handle;
        try
        {
            handle = NamespaceInode.Open(path);
        }
        catch (IOException e)
        {
            throw new NscNamespaceGoneException($"network namespace {statedUrl} cannot be opened: {e.Message}");
        }

        return new NscNamespace(handle, NamespaceInode.OfDescriptor(handle), statedUrl, path);
    }

    public IDisposable Watch(NscNamespace netns, Action<string> gone)
    {
        var watcher = new Watcher(this, netns.Inode, netns.StatedUrl, gone);
        _watched.TryAdd(watcher, 0);
        return watcher;
    }

    /// <summary>One scan of the node; each watched namespace that nothing lives in any more is reported once.</summary>
    public void CheckWatched()
    {
        if (_watched.IsEmpty)
        {
            return;
        }

        var inhabited = NamespaceDirectory.Inhabited();
        foreach (var watcher in _watched.Keys.Where(w => !inhabited.Contains(w.Inode)))
        {
            if (_watched.TryRemove(watcher, out _))
            {
                watcher.Gone($"the NSC is gone: no process lives in its network namespace {watcher.StatedUrl} ({watcher.Inode}) any more");
            }
        }
    }

    /// <summary>
    /// A file:// URL is a path on this silo's host. /proc/self and /proc/thread-self would name the silo's own
    /// namespace, not the NSC's: such an NSC states inode://dev/ino instead (the client library does).
    /// </summary>
    private static string FilePath(string statedUrl)
    {
        if (!Uri.TryCreate(statedUrl, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeFile || !string.IsNullOrEmpty(uri.Host))
        {
            throw new ArgumentException($"{KernelMechanisms.InodeUrlParameter} '{statedUrl}' is neither inode://dev/ino nor file:///path");
        }

        var path = uri.LocalPath;
        if (path.StartsWith("/proc/self/", StringComparison.Ordinal) || path.StartsWith("/proc/thread-self/", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"{KernelMechanisms.InodeUrlParameter} '{statedUrl}' names the caller's own namespace, which the silo cannot open: state it as inode://dev/ino (NamespaceInode.OfCurrentThread)");
        }

        return path;
    }

    private sealed class Watcher(NodeNamespaces owner, NamespaceInode inode, string statedUrl, Action<string> gone) : IDisposable
    {
        public NamespaceInode Inode => inode;

        public string StatedUrl => statedUrl;

        public void Gone(string reason) => gone(reason);

        public void Dispose() => owner._watched.TryRemove(this, out _);
    }
}
