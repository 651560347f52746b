using System.Collections.Concurrent;
using System.IO;
using Orleans.Serialization;
using Orleans.Storage;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// One silo's grain storage, in memory, whose writes a test can make fail (storage unreachable) for chosen states.
/// Per instance, so a test failing writes touches no other test's cluster.
/// </summary>
public sealed class FailOnDemandGrainStorage(Serializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, long Version)> _store = new(StringComparer.Ordinal);
    private volatile Func<string, GrainId, bool>? _failWrites;

    /// <summary>Writes of states for which <paramref name="when"/> holds fail from now on; null heals the storage.</summary>
    public void FailWrites(Func<string, GrainId, bool>? when) => _failWrites = when;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_store.TryGetValue(Key(stateName, grainId), out var stored))
        {
            grainState.State = serializer.Deserialize<T>(stored.Bytes);
            grainState.ETag = stored.Version.ToString();
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_failWrites?.Invoke(stateName, grainId) == true)
        {
            throw new IOException($"storage unreachable (test): writing {stateName} of {grainId}");
        }

        var key = Key(stateName, grainId);
        var bytes = serializer.SerializeToArray(grainState.State);
        var written = _store.AddOrUpdate(key, _ => (bytes, 1), (_, current) => (bytes, current.Version + 1));
        grainState.ETag = written.Version.ToString();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _store.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
