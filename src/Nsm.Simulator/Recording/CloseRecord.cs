using Grpc.Core;

namespace Nsm.Simulator.Recording;

/// <summary>
/// One Close: asked by a client, done by the servers on token expiry, or done by the NSMgr before a
/// reselect. <see cref="Endpoint"/> is null when nothing was wired for the id (an idempotent Close).
/// </summary>
public sealed record CloseRecord(
    DateTimeOffset Timestamp,
    string Nsmgr,
    string ConnectionId,
    string? Endpoint,
    IReadOnlyList<string> Forwarders,
    CloseReason Reason,
    StatusCode Outcome,
    string? Error);
