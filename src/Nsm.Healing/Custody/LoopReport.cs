namespace Nsm.Healing.Custody;

/// <summary>One connection found in a heal loop: where its last reselect took it (the NSE and forwarders of its path).</summary>
[GenerateSerializer, Immutable, Alias("nsm.LoopReport")]
public sealed record LoopReport(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] string NetworkService,
    [property: Id(2)] string Nsmgr,
    [property: Id(3)] string Nse,
    [property: Id(4)] IReadOnlyList<string> Forwarders,
    [property: Id(5)] DateTimeOffset At);
