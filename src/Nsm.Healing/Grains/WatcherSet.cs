using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Nsm.Healing.Grains;

/// <summary>
/// The watchers of one grain activation. Each gets the latest snapshots; a slow watcher loses old ones,
/// never the newest, because a snapshot is the whole state and the last one is what matters.
/// Touched only from the grain's own turns, so it needs no locking.
/// </summary>
internal sealed class WatcherSet
{
    private const int SnapshotsBufferedPerWatcher = 16;
    private readonly List<Channel<ConnectionSnapshot>> _watchers = [];

    public bool IsEmpty => _watchers.Count == 0;

    public ChannelReader<ConnectionSnapshot> Subscribe(ConnectionSnapshot current)
    {
        var channel = Channel.CreateBounded<ConnectionSnapshot>(new BoundedChannelOptions(SnapshotsBufferedPerWatcher)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = true,
        });
        channel.Writer.TryWrite(current);
        _watchers.Add(channel);
        return channel.Reader;
    }

    public void Unsubscribe(ChannelReader<ConnectionSnapshot> reader) => _watchers.RemoveAll(w => w.Reader == reader);

    public void Publish(ConnectionSnapshot snapshot)
    {
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryWrite(snapshot);
        }
    }

    /// <summary>Ends every watch: the connection is closed.</summary>
    public void CompleteAll()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Writer.TryComplete();
        }

        _watchers.Clear();
    }

    /// <summary>
    /// One watcher's snapshots until its channel completes (the connection closed), the caller cancels, or the silo
    /// starts to stop. A stop ends the watch cleanly on a snapshot that is not Closed: the connection lives on, on
    /// another silo, and can be watched again.
    /// </summary>
    public static async IAsyncEnumerable<ConnectionSnapshot> ReadAsync(
        ChannelReader<ConnectionSnapshot> reader, CancellationToken siloStopping, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, siloStopping);
        while (await WaitToReadAsync(reader, watching.Token, siloStopping))
        {
            while (reader.TryRead(out var snapshot))
            {
                yield return snapshot;
            }
        }
    }

    private static async Task<bool> WaitToReadAsync(ChannelReader<ConnectionSnapshot> reader, CancellationToken watching, CancellationToken siloStopping)
    {
        try
        {
            return await reader.WaitToReadAsync(watching);
        }
        catch (OperationCanceledException) when (siloStopping.IsCancellationRequested)
        {
            return false;
        }
    }
}
