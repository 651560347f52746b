using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Grains;

/// <summary>Structured log events of connection grains. Event names are stable: alert on them.</summary>
internal static partial class ConnectionGrainLog
{
    [LoggerMessage(EventId = 1001, EventName = "ConnectionUp", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} is up at endpoint {Endpoint} via NSMgr {Nsmgr}")]
    public static partial void ConnectionUp(ILogger logger, string connectionId, string endpoint, string nsmgr);

    [LoggerMessage(EventId = 1002, EventName = "InitialRequestFailed", Level = LogLevel.Warning,
        Message = "First Request for connection {ConnectionId} failed: {Error}")]
    public static partial void InitialRequestFailed(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = 1003, EventName = "HealStarted", Level = LogLevel.Information,
        Message = "Heal {IncidentId} of connection {ConnectionId} started: trigger {Trigger}, decision {Decision}")]
    public static partial void HealStarted(ILogger logger, string incidentId, string connectionId, HealTrigger trigger, HealDecision decision);

    [LoggerMessage(EventId = 1004, EventName = "HealAttemptFailed", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId}: {Decision} attempt {Attempt} failed, next in {Delay}: {Error}")]
    public static partial void HealAttemptFailed(ILogger logger, string incidentId, string connectionId, HealDecision decision, int attempt, TimeSpan delay, string error);

    [LoggerMessage(EventId = 1005, EventName = "HealEscalated", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId} escalates from restore to reselect: {Reason}")]
    public static partial void HealEscalated(ILogger logger, string incidentId, string connectionId, string reason);

    [LoggerMessage(EventId = 1006, EventName = "HealSucceeded", Level = LogLevel.Information,
        Message = "Heal {IncidentId} of connection {ConnectionId} succeeded: {Decision} to endpoint {Endpoint} after {Attempts} attempts in {Duration}")]
    public static partial void HealSucceeded(ILogger logger, string incidentId, string connectionId, HealDecision decision, string endpoint, int attempts, TimeSpan duration);

    [LoggerMessage(EventId = 1007, EventName = "HealFailed", Level = LogLevel.Error,
        Message = "Heal {IncidentId} of connection {ConnectionId} failed; the connection is Failed: {Reason}")]
    public static partial void HealFailed(ILogger logger, string incidentId, string connectionId, string reason);

    [LoggerMessage(EventId = 1008, EventName = "HealSwitched", Level = LogLevel.Information,
        Message = "Heal {IncidentId} of connection {ConnectionId} switches to {Decision} on {Trigger}")]
    public static partial void HealSwitched(ILogger logger, string incidentId, string connectionId, HealDecision decision, HealTrigger trigger);

    [LoggerMessage(EventId = 1009, EventName = "RefreshFailed", Level = LogLevel.Warning,
        Message = "Refresh of connection {ConnectionId} failed: {Error}")]
    public static partial void RefreshFailed(ILogger logger, string connectionId, string error);

    [LoggerMessage(EventId = 1010, EventName = "CloseFailed", Level = LogLevel.Warning,
        Message = "Close of connection {ConnectionId} at NSMgr {Nsmgr} failed; its tokens will expire there: {Error}")]
    public static partial void CloseFailed(ILogger logger, string connectionId, string nsmgr, string error);

    [LoggerMessage(EventId = 1011, EventName = "ConnectionClosed", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} closed")]
    public static partial void ConnectionClosed(ILogger logger, string connectionId);

    [LoggerMessage(EventId = 1012, EventName = "TriggerIgnored", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} in phase {Phase} ignores {Trigger}")]
    public static partial void TriggerIgnored(ILogger logger, string connectionId, ConnectionPhase phase, HealTrigger trigger);

    [LoggerMessage(EventId = 1013, EventName = "StaleMonitorEvent", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} ignores a {Kind} event about endpoint {Endpoint} it no longer uses")]
    public static partial void StaleMonitorEvent(ILogger logger, string connectionId, MonitorEventKind kind, string endpoint);

    [LoggerMessage(EventId = 1015, EventName = "StaleDataPlaneVerdict", Level = LogLevel.Debug,
        Message = "Connection {ConnectionId} ignores a data plane {Verdict} about endpoint {Endpoint}: a heal already replaced that connection")]
    public static partial void StaleDataPlaneVerdict(ILogger logger, string connectionId, DataPlaneVerdict verdict, string endpoint);

    [LoggerMessage(EventId = 1016, EventName = "AdmissionUnreachable", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId} could not reach the NSMgr's admission; retrying after a backoff: {Error}")]
    public static partial void AdmissionUnreachable(ILogger logger, string incidentId, string connectionId, string error);

    [LoggerMessage(EventId = 1017, EventName = "BookkeepingFailed", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} could not {What}; it is repaired later: {Error}")]
    public static partial void BookkeepingFailed(ILogger logger, string connectionId, string what, string error);

    [LoggerMessage(EventId = 1014, EventName = "PausedTrigger", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} is paused; {Trigger} will be acted on at resume")]
    public static partial void PausedTrigger(ILogger logger, string connectionId, HealTrigger trigger);

    [LoggerMessage(EventId = 1018, EventName = "ConnectionGrainStoodDown", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: another activation wrote its state first (a duplicate activation while the grain directory moved); this one stands down: {Reason}")]
    public static partial void StoodDown(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 1019, EventName = "HealAttemptElsewhere", Level = LogLevel.Information,
        Message = "Connection {ConnectionId}: an attempt started at {StartedAt:o} by another activation may still be in flight; waiting it out")]
    public static partial void AttemptElsewhere(ILogger logger, string connectionId, DateTimeOffset startedAt);

    [LoggerMessage(EventId = 1100, EventName = "HealHeldForIdentity", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId}: {Decision} held, next try in {Delay}: {Reason}")]
    public static partial void HealHeldForIdentity(ILogger logger, string incidentId, string connectionId, HealDecision decision, TimeSpan delay, string reason);
}
