using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Grains;

// Custody events of connection grains: heal loops, reselects steered away from a quarantine, forced Closes.
internal static partial class ConnectionGrainLog
{
    [LoggerMessage(EventId = 1610, EventName = "HealLoopDetected", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId}: heal loop ({Cycles} reselects lost their data plane soon after Up, last at {Endpoint}); next reselect in {Delay}")]
    public static partial void HealLoopDetected(ILogger logger, string incidentId, string connectionId, int cycles, string endpoint, TimeSpan delay);

    [LoggerMessage(EventId = 1611, EventName = "ReselectSteered", Level = LogLevel.Information,
        Message = "Heal {IncidentId} of connection {ConnectionId}: reselect names endpoint {Endpoint}, away from a quarantined NSE")]
    public static partial void ReselectSteered(ILogger logger, string incidentId, string connectionId, string endpoint);

    [LoggerMessage(EventId = 1612, EventName = "CloseForced", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} force-closed by an operator without the NSMgr's confirmation ({Error}); the NSMgr may still hold it")]
    public static partial void CloseForced(ILogger logger, string connectionId, string error);
}
