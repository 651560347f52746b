namespace Nsm.Healing.Monitoring;

/// <summary>
/// What an NSMgr's monitor grain persists besides its registrations (<see cref="RegisteredConnections"/>): its fencing
/// epoch, and whether the connections were told the stream is lost and have not yet been told it is back.
/// </summary>
[GenerateSerializer, Alias("nsm.NsmgrMonitorState")]
public sealed class NsmgrMonitorState
{
    /// <summary>Bumped (and stored) on every activation; a stream loop of an older activation is refused.</summary>
    [Id(0)] public long Epoch { get; set; }

    /// <summary>
    /// The loss belongs to the NSMgr, not to one stream loop or activation: whichever epoch reads the next snapshot
    /// tells the connections the NSMgr is back.
    /// </summary>
    [Id(2)] public bool LossOutstanding { get; set; }
}
