namespace Nsm.Simulator.Recording;

/// <summary>Where a connection is wired now, and whether its data plane carries traffic.</summary>
public sealed record ConnectionWiring(
    string ConnectionId,
    string Endpoint,
    IReadOnlyList<string> Forwarders,
    DateTimeOffset Expires,
    bool DataPlaneUp);
