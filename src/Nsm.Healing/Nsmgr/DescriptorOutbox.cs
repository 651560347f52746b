using System.Net.Sockets;
using System.Runtime.InteropServices;
using Nsm.Netns;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// The descriptors the calls on one unix-socket channel must pass. A call cannot know which of the channel's HTTP/2
/// connections its headers will take, so its descriptor is queued on every live connection before the call starts,
/// and on any connection opened while the call is in flight; the NSMgr indexes what it receives by (dev, ino), so a
/// copy on another connection does no harm.
/// </summary>
public sealed class DescriptorOutbox
{
    private readonly Lock _gate = new();
    private readonly List<DescriptorPassingStream> _live = [];
    private readonly List<SafeHandle> _inFlight = [];

    /// <summary>Wraps a new connection's socket; descriptors of calls in flight go out ahead of its first bytes.</summary>
    public DescriptorPassingStream Adopt(Socket socket)
    {
        var stream = new DescriptorPassingStream(socket, Forget);
        lock (_gate)
        {
            _live.Add(stream);
            foreach (var descriptor in _inFlight)
            {
                stream.Enqueue(descriptor);
            }
        }

        return stream;
    }

    /// <summary>Queues <paramref name="descriptor"/> for the call about to start; dispose when the call has ended.</summary>
    public IDisposable Attach(SafeHandle descriptor)
    {
        lock (_gate)
        {
            _inFlight.Add(descriptor);
            foreach (var stream in _live)
            {
                stream.Enqueue(descriptor);
            }
        }

        return new Lease(this, descriptor);
    }

    private void Forget(DescriptorPassingStream stream)
    {
        lock (_gate)
        {
            _live.Remove(stream);
        }
    }

    private sealed class Lease(DescriptorOutbox outbox, SafeHandle descriptor) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                lock (outbox._gate)
                {
                    outbox._inFlight.Remove(descriptor);
                }
            }
        }
    }
}
