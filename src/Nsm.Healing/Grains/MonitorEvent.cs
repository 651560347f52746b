using Nsm.Api;

namespace Nsm.Healing.Grains;

/// <summary>What a monitor stream said about one connection, as the monitor worker hands it to the connection grain.</summary>
[GenerateSerializer, Immutable, Alias("nsm.MonitorEvent")]
public sealed record MonitorEvent(
    [property: Id(0)] MonitorEventKind Kind,
    [property: Id(1)] Connection? Connection);

[Alias("nsm.MonitorEventKind")]
public enum MonitorEventKind
{
    /// <summary>UPDATE with state DOWN.</summary>
    Down = 0,

    /// <summary>DELETE (treated as DOWN, as upstream does).</summary>
    Deleted = 1,

    /// <summary>UPDATE with state REFRESH_REQUESTED.</summary>
    RefreshRequested = 2,
}
