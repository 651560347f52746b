using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Client;

/// <summary>The <see cref="LivenessReporter"/>'s log events.</summary>
internal static partial class LivenessReporterLog
{
    [LoggerMessage(EventId = 1, EventName = "DataPlaneUp", Level = LogLevel.Information,
        Message = "Data plane of connection {ConnectionId} is up: {Reason}")]
    public static partial void DataPlaneUp(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 2, EventName = "DataPlaneDown", Level = LogLevel.Warning,
        Message = "Data plane of connection {ConnectionId} is down: {Reason}")]
    public static partial void DataPlaneDown(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 3, EventName = "DataPlaneUnknown", Level = LogLevel.Information,
        Message = "Cannot tell whether the data plane of connection {ConnectionId} works, so nothing is reported: {Reason}")]
    public static partial void DataPlaneUnknown(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 4, EventName = "DataPlaneVerdictReported", Level = LogLevel.Debug,
        Message = "Reported data plane {Verdict} for connection {ConnectionId} (reaffirmed: {Reaffirmed})")]
    public static partial void VerdictReported(ILogger logger, string connectionId, DataPlaneVerdict verdict, bool reaffirmed);

    [LoggerMessage(EventId = 5, EventName = "ConnectionReplaced", Level = LogLevel.Debug,
        Message = "The grain replaced connection {ConnectionId} since it was last checked; checking the new one before reporting")]
    public static partial void ConnectionReplaced(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 6, EventName = "ConnectionGrainUnreachable", Level = LogLevel.Warning,
        Message = "Could not {Action} for connection {ConnectionId}; trying again on the next check")]
    public static partial void GrainUnreachable(ILogger logger, Exception exception, string connectionId, string action);

    [LoggerMessage(EventId = 7, EventName = "LivenessReportingStopped", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} is closed; liveness reporting for it stops")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);
}
