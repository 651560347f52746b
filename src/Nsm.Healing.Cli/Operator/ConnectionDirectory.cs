using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Cli.Operator;

/// <summary>
/// Every registered connection in the cluster, found through the NSMgrs' monitor grains: the directory names each
/// NSMgr with connections, and each NSMgr's monitor grain knows the connection ids behind it.
/// </summary>
public static class ConnectionDirectory
{
    public static async Task<IReadOnlyList<string>> NsmgrsAsync(IGrainFactory grains) =>
        await grains.GetGrain<IMonitorDirectoryGrain>(0).List();

    /// <summary>Connection ids, sorted; only those behind <paramref name="nsmgr"/> when given.</summary>
    public static async Task<IReadOnlyList<string>> ConnectionIdsAsync(IGrainFactory grains, string? nsmgr = null)
    {
        // An address names every node's monitor of it (a node-local unix socket is one NSMgr per node); a key names one.
        var all = await NsmgrsAsync(grains);
        IEnumerable<string> nsmgrs = nsmgr is null ? all : [.. all.Where(key => key == nsmgr || MonitorKey.AddressOf(key) == nsmgr).DefaultIfEmpty(nsmgr)];
        var perNsmgr = await Task.WhenAll(nsmgrs.Select(address => grains.GetGrain<INsmgrMonitorGrain>(address).GetConnectionIds()));
        return [.. perNsmgr.SelectMany(ids => ids).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The snapshots of <paramref name="ids"/>, in their order, fetched in parallel.</summary>
    public static async Task<IReadOnlyList<ConnectionSnapshot>> SnapshotsAsync(IGrainFactory grains, IReadOnlyList<string> ids) =>
        await Task.WhenAll(ids.Select(id => grains.GetGrain<IConnectionGrain>(id).GetState()));
}
