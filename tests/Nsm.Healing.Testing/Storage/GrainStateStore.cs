using System.Collections.Concurrent;
using Orleans.Storage;

namespace Nsm.Healing.Testing;

/// <summary>
/// Serialized grain states with versions, and the same optimistic concurrency real storage enforces: a write naming a
/// stale version (a second activation's) is refused. One per silo, or <see cref="ProcessWide"/> for every silo.
/// </summary>
public sealed class GrainStateStore
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, long Version)> _states = new(StringComparer.Ordinal);

    /// <summary>
    /// Shared by every silo of every in-process cluster, so an in-process silo kill loses no state (Orleans' memory
    /// storage lives in grains on the silos and dies with them). It stands in for Redis only in tests about stream
    /// failover, not about durability; the durability tests use a real redis-server.
    /// </summary>
    public static GrainStateStore ProcessWide { get; } = new();

    public bool TryRead(string stateName, GrainId grainId, out byte[] bytes, out string version)
    {
        var found = _states.TryGetValue(Key(stateName, grainId), out var stored);
        (bytes, version) = (stored.Bytes, stored.Version.ToString());
        return found;
    }

    /// <summary>Stores <paramref name="bytes"/> over the version <paramref name="expectedVersion"/> (null: nothing stored yet); returns the new version.</summary>
    public string Write(string stateName, GrainId grainId, byte[] bytes, string? expectedVersion)
    {
        var key = Key(stateName, grainId);
        var written = _states.AddOrUpdate(key,
            _ => expectedVersion is null ? (bytes, 1) : throw Conflict(key),
            (_, current) => current.Version.ToString() == expectedVersion ? (bytes, current.Version + 1) : throw Conflict(key));
        return written.Version.ToString();
    }

    public void Clear(string stateName, GrainId grainId) => _states.TryRemove(Key(stateName, grainId), out _);

    /// <summary>The bytes stored for the grain keyed <paramref name="grainKey"/> under any state name, or null.</summary>
    public byte[]? Find(string grainKey) =>
        _states.FirstOrDefault(e => e.Key.EndsWith("/" + grainKey, StringComparison.Ordinal)).Value.Bytes;

    /// <summary>
    /// What a second activation of the grain keyed <paramref name="grainKey"/> would leave behind by writing its state:
    /// a newer version, same content. The activation that read the older one can no longer write.
    /// </summary>
    public void WriteAsAnotherActivation(string stateName, string grainKey)
    {
        var key = _states.Keys.Single(k => k.StartsWith(stateName + "/", StringComparison.Ordinal) && k.EndsWith("/" + grainKey, StringComparison.Ordinal));
        _states.AddOrUpdate(key, _ => throw new InvalidOperationException($"nothing stored at {key}"), (_, current) => (current.Bytes, current.Version + 1));
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";

    private static InconsistentStateException Conflict(string key) => new($"ETag mismatch writing {key}");
}
