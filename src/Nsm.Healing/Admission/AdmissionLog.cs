using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Admission;

/// <summary>Structured log events of heal admission. Event names are stable: alert on them.</summary>
internal static partial class AdmissionLog
{
    [LoggerMessage(EventId = 2101, EventName = "AdmissionReserveUnavailable", Level = LogLevel.Debug,
        Message = "No standing heal permit for NSMgr {Nsmgr} on this silo; heals ask the admission one by one: {Reason}")]
    public static partial void ReserveUnavailable(ILogger logger, string nsmgr, string reason);
}
