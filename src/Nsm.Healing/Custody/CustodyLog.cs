using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Custody;

internal static partial class CustodyLog
{
    [LoggerMessage(EventId = 1601, EventName = "QuarantineImposed", Level = LogLevel.Warning,
        Message = "{Kind} {Name} quarantined: {Connections} connections looped onto it (network services {Services}); new reselects avoid it until {Until:O}")]
    public static partial void QuarantineImposed(ILogger logger, EndpointKind kind, string name, int connections, string services, DateTimeOffset until);

    [LoggerMessage(EventId = 1602, EventName = "QuarantineLifted", Level = LogLevel.Information,
        Message = "{Kind} {Name}: quarantine lifted by an operator ({Reason})")]
    public static partial void QuarantineLifted(ILogger logger, EndpointKind kind, string name, string reason);

    [LoggerMessage(EventId = 1603, EventName = "QuarantineExpired", Level = LogLevel.Information,
        Message = "{Kind} {Name}: quarantine ran out")]
    public static partial void QuarantineExpired(ILogger logger, EndpointKind kind, string name);

    [LoggerMessage(EventId = 1604, EventName = "CustodyReportFailed", Level = LogLevel.Debug,
        Message = "census report or quarantine read failed (tried again next interval): {Error}")]
    public static partial void ReportFailed(ILogger logger, string error);
}
