using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// Grain storage shared by every silo of an in-process test cluster, so an in-process silo kill loses no state
/// (Orleans' memory storage lives in grains on the silos and dies with them). It stands in for Redis only in tests
/// that are about stream failover, not about durability; the durability tests use a real redis-server.
/// </summary>
public sealed class ProcessWideGrainStorage(Serializer serializer) : IGrainStorage
{
    private static readonly ConcurrentDictionary<string, (byte[] Bytes, long Version)> Store = new(StringComparer.Ordinal);

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

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var bytes = serializer.SerializeToArray(grainState.State);
        var written = Store.AddOrUpdate(key,
            _ => grainState.ETag is null ? (bytes, 1) : throw Conflict(key),
            (_, current) => current.Version.ToString() == grainState.ETag ? (bytes, current.Version + 1) : throw Conflict(key));
        grainState.ETag = written.Version.ToString();
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Store.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>
    /// What a second activation of the grain keyed <paramref name="grainKey"/> would leave behind by writing its state:
    /// a newer version, same content. The activation that read the older one can no longer write.
    /// </summary>
    public static void WriteAsAnotherActivation(string stateName, string grainKey)
    {
        var key = Store.Keys.Single(k => k.StartsWith(stateName + "/", StringComparison.Ordinal) && k.EndsWith("/" + grainKey, StringComparison.Ordinal));
        Store.AddOrUpdate(key, _ => throw new InvalidOperationException($"nothing stored at {key}"), (_, current) => (current.Bytes, current.Version + 1));
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    // The same optimistic concurrency real storage enforces: a stale activation cannot overwrite a newer one.
    private static InconsistentStateException Conflict(string key) => new($"ETag mismatch writing {key}");
}
