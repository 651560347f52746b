using Nsm.Healing.Grains;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// The connections registered behind one NSMgr, stored in <see cref="Buckets"/> slices by a stable hash of the id, so a
/// registration rewrites its slice only: at 100k connections about 60 KB, not the whole 4 MB set. Each change is written
/// before it counts; a failed write is rolled back, so memory never holds what storage does not.
/// </summary>
internal sealed class RegisteredConnections
{
    /// <summary>Fixed for good: changing it would move ids between stored slices.</summary>
    public const int Buckets = 64;

    private readonly IPersistentState<RegistrationBucket>[] _buckets;
    private readonly CoalescingWriter[] _writers;

    /// <summary>Call from the grain's constructor: the slices load with the grain's other state, before activation.</summary>
    public RegisteredConnections(IPersistentStateFactory states, IGrainContext grain)
    {
        _buckets = Enumerable.Range(0, Buckets)
            .Select(i => states.Create<RegistrationBucket>(grain, new PersistentStateAttribute($"monitor-registrations-{i}", HealingStorage.Name)))
            .ToArray();
        _writers = _buckets.Select(bucket => new CoalescingWriter(bucket.WriteStateAsync)).ToArray();
    }

    public int Count => _buckets.Sum(bucket => bucket.State.ConnectionIds.Count);

    public IEnumerable<string> All => _buckets.SelectMany(bucket => bucket.State.ConnectionIds);

    public bool Contains(string connectionId) => Ids(connectionId).Contains(connectionId);

    /// <returns>False when it was registered already.</returns>
    public async Task<bool> AddAsync(string connectionId)
    {
        var index = BucketOf(connectionId);
        if (!_buckets[index].State.ConnectionIds.Add(connectionId))
        {
            return false;
        }

        try
        {
            await _writers[index].WriteAsync();
        }
        catch
        {
            _buckets[index].State.ConnectionIds.Remove(connectionId);
            throw;
        }

        return true;
    }

    /// <returns>False when it was not registered.</returns>
    public async Task<bool> RemoveAsync(string connectionId)
    {
        var index = BucketOf(connectionId);
        if (!_buckets[index].State.ConnectionIds.Remove(connectionId))
        {
            return false;
        }

        try
        {
            await _writers[index].WriteAsync();
        }
        catch
        {
            _buckets[index].State.ConnectionIds.Add(connectionId);
            throw;
        }

        return true;
    }

    private HashSet<string> Ids(string connectionId) => _buckets[BucketOf(connectionId)].State.ConnectionIds;

    /// <summary>FNV-1a over the id's characters: the same on every silo and every run, unlike string.GetHashCode.</summary>
    private static int BucketOf(string connectionId)
    {
        var hash = 2166136261u;
        foreach (var c in connectionId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % Buckets);
    }
}
