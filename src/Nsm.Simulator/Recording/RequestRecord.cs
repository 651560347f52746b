using Grpc.Core;

namespace Nsm.Simulator.Recording;

/// <summary>
/// One Request as the entry NSMgr handled it. <see cref="Endpoint"/> and <see cref="Forwarders"/> are the
/// choice made (empty when the Request failed); <see cref="Outcome"/> is <see cref="StatusCode.OK"/> on success.
/// </summary>
public sealed record RequestRecord(
    DateTimeOffset Timestamp,
    string Nsmgr,
    string ConnectionId,
    string? Endpoint,
    IReadOnlyList<string> Forwarders,
    bool Reselect,
    StatusCode Outcome,
    string? Error);
