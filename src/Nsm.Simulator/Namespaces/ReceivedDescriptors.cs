using System.IO;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns;

namespace Nsm.Simulator.Namespaces;

/// <summary>
/// The descriptors one NSMgr received over its unix socket, indexed by the (dev, ino) fstat gives, as upstream's
/// recvfd does. One per namespace is kept while the socket connection it came on lives (grpcfd keeps them per
/// connection) and is lost when the NSMgr restarts: after a restart a restore has to send it again.
/// </summary>
internal sealed class ReceivedDescriptors
{
    private readonly Lock _gate = new();
    private readonly List<(object Connection, NamespaceInode Inode, SafeFileHandle Handle)> _held = [];
    private readonly List<(NamespaceInode Inode, TaskCompletionSource Arrived)> _waiters = [];

    public void Add(object connection, SafeFileHandle descriptor)
    {
        NamespaceInode inode;
        try
        {
            inode = NamespaceInode.OfDescriptor(descriptor);
        }
        catch (IOException)
        {
            descriptor.Dispose();
            return;
        }

        lock (_gate)
        {
            // A client sends the descriptor again with every call: one per namespace and connection is kept, as grpcfd
            // keeps one per inode URL, so a long-lived connection does not pile up open descriptors.
            if (_held.Any(e => e.Connection == connection && e.Inode == inode))
            {
                descriptor.Dispose();
            }
            else
            {
                _held.Add((connection, inode, descriptor));
            }

            foreach (var waiter in _waiters.Where(w => w.Inode == inode).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Arrived.TrySetResult();
            }
        }
    }

    /// <summary>The connection ended: what it brought goes with it.</summary>
    public void Drop(object connection)
    {
        lock (_gate)
        {
            foreach (var entry in _held.Where(e => e.Connection == connection).ToList())
            {
                _held.Remove(entry);
                entry.Handle.Dispose();
            }
        }
    }

    /// <summary>Everything received so far is lost, as in a process that restarts.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            foreach (var entry in _held)
            {
                entry.Handle.Dispose();
            }

            _held.Clear();
        }
    }

    /// <summary>A descriptor of its own for <paramref name="inode"/> (the caller disposes it), or null when none is here.</summary>
    public SafeFileHandle? Open(NamespaceInode inode)
    {
        lock (_gate)
        {
            var held = _held.FirstOrDefault(e => e.Inode == inode).Handle;
            // Reopening through /proc/self/fd gives a descriptor that outlives the socket connection the original came on.
            return held is null ? null : NamespaceInode.Open($"/proc/self/fd/{held.DangerousGetHandle()}");
        }
    }

    /// <summary>Whether a descriptor of <paramref name="inode"/> is here, or arrives within <paramref name="wait"/>.</summary>
    public async Task<bool> WaitForAsync(NamespaceInode inode, TimeSpan wait, CancellationToken cancellationToken)
    {
        TaskCompletionSource arrived;
        lock (_gate)
        {
            if (_held.Any(e => e.Inode == inode))
            {
                return true;
            }

            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((inode, arrived));
        }

        try
        {
            // Wall-clock: the descriptor travels on a real socket, whatever clock the simulation runs on.
            await arrived.Task.WaitAsync(wait, TimeProvider.System, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove((inode, arrived));
            }
        }
    }
}
