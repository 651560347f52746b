namespace Nsm.Healing.Monitoring;

/// <summary>
/// The NSMgrs that have registered connections, so any silo can wake their monitors after a silo dies.
/// One grain for the cluster (key 0); it changes only when an NSMgr gains its first or loses its last connection.
/// </summary>
[Alias("nsm.IMonitorDirectoryGrain")]
public interface IMonitorDirectoryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string nsmgrAddress);

    [Alias("Remove")]
    Task Remove(string nsmgrAddress);

    [Alias("List")]
    Task<IReadOnlyList<string>> List();
}
