using System.IO;
using Nsm.Netns;

namespace Nsm.Healing.Namespaces;

/// <summary>
/// Where a silo finds network namespaces on its node: the /proc/PID/ns/net link of every process it can see (the
/// silo runs with hostPID for this), and the bind mounts <c>ip netns</c> makes under /run/netns. A namespace found
/// in neither has no process and no pin left: whatever held it is gone.
/// </summary>
public static class NamespaceDirectory
{
    private static readonly string[] BindMountDirectories = ["/run/netns", "/var/run/netns"];

    /// <summary>Opens the namespace with this (dev, ino), or returns null when nothing on the node holds it.</summary>
    public static (Microsoft.Win32.SafeHandles.SafeFileHandle Handle, string Path)? Open(NamespaceInode inode)
    {
        foreach (var path in Candidates())
        {
            if (InodeOf(path) != inode)
            {
                continue;
            }

            Microsoft.Win32.SafeHandles.SafeFileHandle handle;
            try
            {
                handle = NamespaceInode.Open(path);
            }
            catch (IOException)
            {
                continue;
            }

            // The process may have exited between the stat and the open; its PID may even be reused by now.
            if (NamespaceInode.OfDescriptor(handle) == inode)
            {
                return (handle, path);
            }

            handle.Dispose();
        }

        return null;
    }

    /// <summary>Every namespace some process lives in or a bind mount pins, right now.</summary>
    public static HashSet<NamespaceInode> Inhabited()
    {
        var found = new HashSet<NamespaceInode>();
        foreach (var path in Candidates())
        {
            if (InodeOf(path) is { } inode)
            {
                found.Add(inode);
            }
        }

        return found;
    }

    private static IEnumerable<string> Candidates()
    {
        foreach (var directory in BindMountDirectories.Where(Directory.Exists))
        {
            foreach (var file in SafeEnumerate(() => Directory.EnumerateFiles(directory)))
            {
                yield return file;
            }
        }

        foreach (var process in SafeEnumerate(() => Directory.EnumerateDirectories("/proc")))
        {
            if (int.TryParse(Path.GetFileName(process), out _))
            {
                yield return Path.Combine(process, "ns", "net");
            }
        }
    }

    private static NamespaceInode? InodeOf(string path)
    {
        try
        {
            return NamespaceInode.OfPath(path);
        }
        catch (IOException)
        {
            // The process exited, or its namespace is not ours to see.
            return null;
        }
    }

    private static List<string> SafeEnumerate(Func<IEnumerable<string>> list)
    {
        try
        {
            return [.. list()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }
}
