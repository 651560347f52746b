using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// Grain storage that fails or holds the writes of one grain on demand, so a test can see what a connection does when
/// storage refuses a write or is slow to take it. Otherwise a plain store with the same optimistic concurrency as real
/// storage. Controls are keyed by the grain's key; each test uses its own.
/// </summary>
public sealed class FaultyGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (byte[] Bytes, long Version)> Store = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Faults> Controls = new(StringComparer.Ordinal);

    /// <summary>Lets <paramref name="skip"/> writes of grain <paramref name="grainKey"/> through, then fails the next <paramref name="count"/>.</summary>
    public static void FailWrites(string grainKey, int skip = 0, int count = 1)
    {
        var faults = Controls.GetOrAdd(grainKey, _ => new Faults());
        lock (faults)
        {
            faults.Skip = skip;
            faults.Failing = count;
        }
    }

    /// <summary>Holds the next write of grain <paramref name="grainKey"/> until the hold is released.</summary>
    public static WriteHold HoldNextWrite(string grainKey)
    {
        var hold = new WriteHold();
        Controls.GetOrAdd(grainKey, _ => new Faults()).Hold = hold;
        return hold;
    }

    /// <summary>What is stored for grain <paramref name="grainKey"/>, read back as <typeparamref name="T"/>; default if nothing.</summary>
    public T? Stored<T>(string grainKey)
    {
        var entry = Store.FirstOrDefault(e => e.Key.EndsWith("/" + grainKey, StringComparison.Ordinal));
        return entry.Value.Bytes is null ? default : serializer.Deserialize<T>(entry.Value.Bytes);
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Store.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Bytes);
            grainState.ETag = stored.Version.ToString();
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Controls.TryGetValue(grainId.Key.ToString()!, out var faults))
        {
            if (Interlocked.Exchange(ref faults.Hold, null) is { } hold)
            {
                await hold.Wait();
            }

            lock (faults)
            {
                if (faults.Skip > 0)
                {
                    faults.Skip--;
                }
                else if (faults.Failing > 0)
                {
                    faults.Failing--;
                    throw new System.IO.IOException("storage unreachable (injected by the test)");
                }
            }
        }

        var key = Key(stateName, grainId);
        var bytes = serializer.SerializeToArray(grainState.State);
        var written = Store.AddOrUpdate(key,
            _ => grainState.ETag is null ? (bytes, 1) : throw Conflict(key),
            (_, current) => current.Version.ToString() == grainState.ETag ? (bytes, current.Version + 1) : throw Conflict(key));
        grainState.ETag = written.Version.ToString();
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Store.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    private static InconsistentStateException Conflict(string key) => new($"ETag mismatch writing {key}");

    private sealed class Faults
    {
        public int Skip;
        public int Failing;
        public WriteHold? Hold;
    }
}

/// <summary>A write held back: <see cref="Reached"/> completes once it waits, <see cref="Release"/> lets it go.</summary>
public sealed class WriteHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    internal Task Wait()
    {
        _reached.TrySetResult();
        return _released.Task;
    }
}
