using System.Collections.Concurrent;
using System.IO;
using Orleans.Serialization;
using Orleans.Storage;

namespace Nsm.Healing.Testing;

/// <summary>
/// One silo's grain storage whose writes a test can fail (storage unreachable) or hold (storage slow) on demand, to see
/// what a grain does when storage refuses a write or is slow to take it. Otherwise a plain <see cref="GrainStateStore"/>.
/// Faults are per instance, so a test touches no other test's cluster; within a cluster each test uses its own grain keys.
/// The store is the silo's own (state goes with the silo) or <see cref="GrainStateStore.ProcessWide"/>.
/// </summary>
public sealed class FaultyGrainStorage(Serializer serializer, GrainStateStore store) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, Faults> _faults = new(StringComparer.Ordinal);
    private volatile Func<string, GrainId, bool>? _failWhen;

    public GrainStateStore Store => store;

    /// <summary>Lets <paramref name="skip"/> writes of grain <paramref name="grainKey"/> through, then fails the next <paramref name="count"/>.</summary>
    public void FailWrites(string grainKey, int skip = 0, int count = 1)
    {
        var faults = _faults.GetOrAdd(grainKey, _ => new Faults());
        lock (faults)
        {
            faults.Skip = skip;
            faults.Failing = count;
        }
    }

    /// <summary>Writes of states for which <paramref name="when"/> holds fail from now on; null lets them through again.</summary>
    public void FailWrites(Func<string, GrainId, bool>? when) => _failWhen = when;

    /// <summary>Holds the next write of grain <paramref name="grainKey"/> until the hold is released.</summary>
    public WriteHold HoldNextWrite(string grainKey)
    {
        var hold = new WriteHold();
        _faults.GetOrAdd(grainKey, _ => new Faults()).Hold = hold;
        return hold;
    }

    /// <summary>What is stored for grain <paramref name="grainKey"/>, read back as <typeparamref name="T"/>; default if nothing.</summary>
    public T? Stored<T>(string grainKey) => store.Find(grainKey) is { } bytes ? serializer.Deserialize<T>(bytes) : default;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (store.TryRead(stateName, grainId, out var bytes, out var version))
        {
            grainState.State = serializer.Deserialize<T>(bytes);
            grainState.ETag = version;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_failWhen?.Invoke(stateName, grainId) == true)
        {
            throw new IOException($"storage unreachable (injected by the test): writing {stateName} of {grainId}");
        }

        if (_faults.TryGetValue(grainId.Key.ToString()!, out var faults))
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
                    throw new IOException($"storage unreachable (injected by the test): writing {stateName} of {grainId}");
                }
            }
        }

        grainState.ETag = store.Write(stateName, grainId, serializer.SerializeToArray(grainState.State), grainState.ETag);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        store.Clear(stateName, grainId);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private sealed class Faults
    {
        public int Skip;
        public int Failing;
        public WriteHold? Hold;
    }
}
