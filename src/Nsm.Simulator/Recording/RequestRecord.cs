using Grpc.Core;

namespace Nsm.Simulator.Recording;

/// <summary>
/// One Request as the entry NSMgr handled it. <see cref="Endpoint"/> and <see cref="Forwarders"/> are the
/// choice made (empty when the Request failed); <see cref="Outcome"/> is <see cref="StatusCode.OK"/> on success.
/// <see cref="CallerLeft"/>: served after its caller stopped waiting for the answer (a deadline, a client that died), as
/// an NSMgr serves every call it took in.
/// </summary>
public sealed record RequestRecord(
    DateTimeOffset Timestamp,
    string Nsmgr,
    string ConnectionId,
    string? Endpoint,
    IReadOnlyList<string> Forwarders,
    bool Reselect,
    StatusCode Outcome,
    string? Error,
    bool CallerLeft = false);
