using Nsm.Api;
using Nsm.Healing.Grains;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// What the stream said about one connection, matched to the NSC's connection id. <see cref="Kind"/> is null for
/// an entry that needs no action (an UP in a snapshot), which still proves the NSMgr knows the connection.
/// <see cref="Ours"/>: a snapshot entry carrying our identity (see <see cref="OwnIdentity"/>); never set on events.
/// </summary>
[GenerateSerializer, Immutable, Alias("nsm.StreamObservation")]
public sealed record StreamObservation(
    [property: Id(0)] string ConnectionId,
    [property: Id(1)] MonitorEventKind? Kind,
    [property: Id(2)] Connection Connection,
    [property: Id(3)] bool Ours = false);
