namespace Nsm.Healing.Custody;

/// <summary>
/// The cluster's one quarantine (key 0): takes heal-loop reports, quarantines the NSEs and forwarders several connections
/// keep looping onto, and lets an operator lift one. Reports are rare (a loop takes minutes to find), so one grain
/// suffices; silos read it every report interval, never on a heal's path.
/// </summary>
[Alias("nsm.IQuarantineGrain")]
public interface IQuarantineGrain : IGrainWithIntegerKey
{
    /// <summary>One connection found in a heal loop. Returns the quarantines in force afterwards.</summary>
    [Alias("ReportLoop")]
    Task<QuarantineSnapshot> ReportLoop(LoopReport report);

    [Alias("Get")]
    Task<QuarantineSnapshot> Get();

    /// <summary>Lifts the quarantine of <paramref name="name"/>; false when none is in force.</summary>
    [Alias("Lift")]
    Task<bool> Lift(EndpointKind kind, string name, string reason);
}
