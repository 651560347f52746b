using Grpc.Core;
using Microsoft.Extensions.Logging;
using Nsm.Api;
using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Logging;

/// <summary>The simulator's structured log events; each method name is the event name.</summary>
internal static partial class SimulatorLog
{
    [LoggerMessage(1, LogLevel.Debug, "{Nsmgr} accepted Request {ConnectionId} to {Endpoint} via {Forwarders} (reselect: {Reselect})")]
    public static partial void RequestAccepted(ILogger logger, string nsmgr, string connectionId, string endpoint, IReadOnlyList<string> forwarders, bool reselect);

    [LoggerMessage(2, LogLevel.Debug, "{Nsmgr} failed Request {ConnectionId} with {Status}: {Error}")]
    public static partial void RequestFailed(ILogger logger, string nsmgr, string connectionId, StatusCode status, string error);

    [LoggerMessage(3, LogLevel.Debug, "{Nsmgr} closed {ConnectionId} at {Endpoint} ({Reason})")]
    public static partial void ConnectionClosed(ILogger logger, string nsmgr, string connectionId, string? endpoint, CloseReason reason);

    [LoggerMessage(4, LogLevel.Debug, "{Nsmgr} failed Close {ConnectionId} with {Status}: {Error}")]
    public static partial void CloseFailed(ILogger logger, string nsmgr, string connectionId, StatusCode status, string error);

    [LoggerMessage(5, LogLevel.Warning, "Connection {ConnectionId} is held by several NSEs at once: {Endpoints}")]
    public static partial void DuplicateDetected(ILogger logger, string connectionId, IReadOnlyList<string> endpoints);

    [LoggerMessage(6, LogLevel.Information, "{Nsmgr} went down ({Reason})")]
    public static partial void NsmgrDown(ILogger logger, string nsmgr, string reason);

    [LoggerMessage(7, LogLevel.Information, "{Nsmgr} is up")]
    public static partial void NsmgrUp(ILogger logger, string nsmgr);

    [LoggerMessage(8, LogLevel.Information, "Forwarder {Forwarder} killed; {Connections} connections lose their data plane")]
    public static partial void ForwarderKilled(ILogger logger, string forwarder, int connections);

    [LoggerMessage(9, LogLevel.Information, "Forwarder {Forwarder} restarted as incarnation {Incarnation}")]
    public static partial void ForwarderRestarted(ILogger logger, string forwarder, long incarnation);

    [LoggerMessage(10, LogLevel.Information, "NSE {Nse} killed; {Connections} connections lose their data plane; replacement: {Replacement}")]
    public static partial void NseKilled(ILogger logger, string nse, int connections, string? replacement);

    [LoggerMessage(11, LogLevel.Information, "Data plane of {ConnectionId} broken")]
    public static partial void DataPlaneBroken(ILogger logger, string connectionId);

    [LoggerMessage(12, LogLevel.Information, "Request latency set to {Latency} at {Nsmgr}")]
    public static partial void RequestLatencySet(ILogger logger, TimeSpan latency, string nsmgr);

    [LoggerMessage(13, LogLevel.Information, "Request failure probability set to {Probability} (seed {Seed}) at {Nsmgr}")]
    public static partial void RequestFailureProbabilitySet(ILogger logger, double probability, int? seed, string nsmgr);

    [LoggerMessage(14, LogLevel.Information, "{Nsmgr} will drop its next {Count} monitor events")]
    public static partial void MonitorEventsDropScheduled(ILogger logger, string nsmgr, int count);

    [LoggerMessage(15, LogLevel.Debug, "{Nsmgr} dropped a {EventType} for {ConnectionId}; {Remaining} more to drop")]
    public static partial void MonitorEventDropped(ILogger logger, string nsmgr, ConnectionEventType eventType, string connectionId, int remaining);

    [LoggerMessage(16, LogLevel.Information, "{Nsmgr} listening on {Address}")]
    public static partial void NsmgrListening(ILogger logger, string nsmgr, string address);

    [LoggerMessage(17, LogLevel.Information, "Control surface listening on {Url}")]
    public static partial void ControlListening(ILogger logger, string url);

    [LoggerMessage(18, LogLevel.Debug, "{Nsmgr} monitor stream opened")]
    public static partial void MonitorStreamOpened(ILogger logger, string nsmgr);

    [LoggerMessage(19, LogLevel.Debug, "{Nsmgr} monitor stream closed")]
    public static partial void MonitorStreamClosed(ILogger logger, string nsmgr);

    [LoggerMessage(20, LogLevel.Warning, "{Nsmgr} sent GOAWAY ENHANCE_YOUR_CALM too_many_pings after {Strikes} ping strikes, as grpc-go does")]
    public static partial void TooManyPings(ILogger logger, string nsmgr, int strikes);

    [LoggerMessage(21, LogLevel.Information, "{Nsmgr} holds planted connection {ConnectionId} at {Endpoint} (no client asked for it)")]
    public static partial void ConnectionPlanted(ILogger logger, string nsmgr, string connectionId, string endpoint);

    [LoggerMessage(22, LogLevel.Information, "{Nsmgr} will answer the next {Count} Closes with success and lose them")]
    public static partial void ClosesLossScheduled(ILogger logger, string nsmgr, int count);
}
