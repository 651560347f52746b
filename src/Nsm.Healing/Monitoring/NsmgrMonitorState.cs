namespace Nsm.Healing.Monitoring;

/// <summary>What an NSMgr's monitor grain persists: its fencing epoch and the connections registered behind the NSMgr.</summary>
[GenerateSerializer, Alias("nsm.NsmgrMonitorState")]
public sealed class NsmgrMonitorState
{
    /// <summary>Bumped (and stored) on every activation; a stream loop of an older activation is refused.</summary>
    [Id(0)] public long Epoch { get; set; }
    [Id(1)] public HashSet<string> ConnectionIds { get; set; } = new(StringComparer.Ordinal);
}
