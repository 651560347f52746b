using Microsoft.Win32.SafeHandles;
using Nsm.Netns;

namespace Nsm.Healing.Namespaces;

/// <summary>
/// The NSC's network namespace, held open by this silo: <see cref="Handle"/> is what goes to the NSMgr, <see cref="Inode"/>
/// names it there, <see cref="StatedUrl"/> is what the NSC wrote in the mechanism's <c>inodeURL</c> and gets back.
/// </summary>
public sealed class NscNamespace(SafeFileHandle handle, NamespaceInode inode, string statedUrl, string openedFrom) : IDisposable
{
    public SafeFileHandle Handle => handle;

    public NamespaceInode Inode => inode;

    public string StatedUrl => statedUrl;

    /// <summary>The path it was opened from (a process's /proc/PID/ns/net, a bind mount), for logs.</summary>
    public string OpenedFrom => openedFrom;

    public void Dispose() => handle.Dispose();
}
