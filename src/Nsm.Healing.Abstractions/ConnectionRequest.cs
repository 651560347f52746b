using Nsm.Api;

namespace Nsm.Healing;

/// <summary>The first Request an NSC hands to its connection grain.</summary>
[GenerateSerializer, Immutable, Alias("nsm.ConnectionRequest")]
public sealed record ConnectionRequest
{
    /// <summary>The NSMgr to talk to: http://host:port (h2c), https://host:port, or unix:///path.</summary>
    [Id(0)] public required string NsmgrAddress { get; init; }

    /// <summary>The NSM request. Its connection id must be the grain key; an empty path gets the NSC's segment.</summary>
    [Id(1)] public required NetworkServiceRequest Request { get; init; }

    /// <summary>The NSC's name for path segment 0 when the request has no path yet.</summary>
    [Id(2)] public string ClientName { get; init; } = "nsc";
    /// <summary>How this connection heals: retry delays, limits, what an unknown data plane means.</summary>
    [Id(3)] public HealPolicy Policy { get; init; } = HealPolicy.Default;

    /// <summary>
    /// The node the NSC runs on: its connection is served by the silo on that node, where its unix-socket NSMgr is.
    /// Null or empty: any silo (TCP NSMgrs, single-node clusters). <c>NsmHealingClient</c> fills it from NODE_NAME.
    /// </summary>
    [Id(4)] public string? NodeName { get; init; }
}
