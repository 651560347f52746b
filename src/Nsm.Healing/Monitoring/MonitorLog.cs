using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Monitoring;

/// <summary>Structured log events of monitor workers. Event names are stable: alert on them.</summary>
internal static partial class MonitorLog
{
    [LoggerMessage(EventId = 2001, EventName = "MonitorStreamConnected", Level = LogLevel.Information,
        Message = "Monitor stream to NSMgr {Nsmgr} connected (epoch {Epoch}); snapshot of {Connections} connections")]
    public static partial void StreamConnected(ILogger logger, string nsmgr, long epoch, int connections);

    [LoggerMessage(EventId = 2002, EventName = "MonitorStreamLost", Level = LogLevel.Warning,
        Message = "Monitor stream to NSMgr {Nsmgr} lost (epoch {Epoch}); control plane down for its connections: {Reason}")]
    public static partial void StreamLost(ILogger logger, string nsmgr, long epoch, string reason);

    [LoggerMessage(EventId = 2003, EventName = "MonitorResync", Level = LogLevel.Debug,
        Message = "Monitor stream to NSMgr {Nsmgr} reopened to re-read the snapshot: {Reason}")]
    public static partial void Resync(ILogger logger, string nsmgr, string reason);

    [LoggerMessage(EventId = 2004, EventName = "MonitorQueueOverflow", Level = LogLevel.Warning,
        Message = "Monitor queue of NSMgr {Nsmgr} is full ({Capacity} events); resyncing from a fresh snapshot instead of dropping events")]
    public static partial void QueueOverflow(ILogger logger, string nsmgr, int capacity);

    [LoggerMessage(EventId = 2005, EventName = "MonitorStaleLoopStopped", Level = LogLevel.Information,
        Message = "Monitor loop of NSMgr {Nsmgr} at epoch {Epoch} stopped: a newer activation owns the stream")]
    public static partial void StaleLoopStopped(ILogger logger, string nsmgr, long epoch);

    [LoggerMessage(EventId = 2006, EventName = "MonitorUnmatchedEvent", Level = LogLevel.Debug,
        Message = "NSMgr {Nsmgr} sent a {Kind} event for connection '{ConnectionId}', which is not registered here")]
    public static partial void UnmatchedEvent(ILogger logger, string nsmgr, string? kind, string connectionId);

    [LoggerMessage(EventId = 2007, EventName = "MonitorMalformedEvent", Level = LogLevel.Warning,
        Message = "NSMgr {Nsmgr} sent a malformed monitor event: {Problem}")]
    public static partial void MalformedEvent(ILogger logger, string nsmgr, string problem);

    [LoggerMessage(EventId = 2008, EventName = "MonitorReconcileMissing", Level = LogLevel.Information,
        Message = "NSMgr {Nsmgr} no longer knows {Count} registered connections; restoring them")]
    public static partial void ReconcileMissing(ILogger logger, string nsmgr, int count);

    [LoggerMessage(EventId = 2009, EventName = "MonitorLoopFailed", Level = LogLevel.Error,
        Message = "Monitor loop of NSMgr {Nsmgr} failed unexpectedly; the supervisor restarts it")]
    public static partial void LoopFailed(ILogger logger, Exception error, string nsmgr);

    [LoggerMessage(EventId = 2010, EventName = "MonitorSweepFailed", Level = LogLevel.Warning,
        Message = "Monitor supervisor could not check NSMgr {Nsmgr}: {Error}")]
    public static partial void SweepFailed(ILogger logger, string nsmgr, string error);

    [LoggerMessage(EventId = 2011, EventName = "MonitorStreamBroken", Level = LogLevel.Warning,
        Message = "Monitor stream to NSMgr {Nsmgr} broke (epoch {Epoch}, failure {Failures} in a row): {Cause}; dialling again in {DelayMs} ms")]
    public static partial void StreamBroken(ILogger logger, string nsmgr, long epoch, int failures, string cause, long delayMs);

    [LoggerMessage(EventId = 2012, EventName = "MonitorSupervisorStarted", Level = LogLevel.Information,
        Message = "Monitor supervisor started: the silo is active; NSMgr monitors are checked on membership changes and every {SweepInterval}")]
    public static partial void SupervisorStarted(ILogger logger, TimeSpan sweepInterval);

    [LoggerMessage(EventId = 2013, EventName = "MonitorForgotLostConnections", Level = LogLevel.Warning,
        Message = "NSMgr {Nsmgr}: {Count} registered connection(s) have no state any more (lost with a silo: Development profile) and are no longer listed")]
    public static partial void ForgotLostConnections(ILogger logger, string nsmgr, int count);
    [LoggerMessage(EventId = 2014, EventName = "MonitorStateWriteFailed", Level = LogLevel.Warning,
        Message = "Monitor of NSMgr {Nsmgr} could not store {What}: {Cause}; it holds in this activation only")]
    public static partial void StateWriteFailed(ILogger logger, string nsmgr, string what, string cause);

    [LoggerMessage(EventId = 2201, EventName = "OrphanAuditDone", Level = LogLevel.Information,
        Message = "Orphan audit of NSMgr {Nsmgr}: {Ours} connections ours, {Foreign} not ours (left alone), {Suspects} unregistered: {Closed} orphans closed, {TooLate} too late, {Failed} not closed, {Owned} owned after all, in {DurationMs} ms")]
    public static partial void OrphanAuditDone(ILogger logger, string nsmgr, int ours, int foreign, int suspects, int closed, int tooLate, int failed, int owned, long durationMs);

    [LoggerMessage(EventId = 2202, EventName = "OrphanAuditSkipped", Level = LogLevel.Information,
        Message = "Orphan audit of NSMgr {Nsmgr} skipped for this snapshot: the previous audit is still running")]
    public static partial void OrphanAuditSkipped(ILogger logger, string nsmgr);

    [LoggerMessage(EventId = 2015, EventName = "MonitorBroadcastRetry", Level = LogLevel.Information,
        Message = "NSMgr {Nsmgr}: \"{What}\" did not reach {Count} connection(s) (cluster membership moving?); sending again in {Delay}")]
    public static partial void BroadcastRetry(ILogger logger, string nsmgr, string what, int count, TimeSpan delay);

    [LoggerMessage(EventId = 2016, EventName = "MonitorBroadcastUndelivered", Level = LogLevel.Warning,
        Message = "NSMgr {Nsmgr}: \"{What}\" never reached {Count} connection(s) after {Attempts} attempts; the next snapshot (reconnect or resync) tells them again")]
    public static partial void BroadcastUndelivered(ILogger logger, string nsmgr, string what, int count, int attempts);

    [LoggerMessage(EventId = 2017, EventName = "MonitorWaitingForNode", Level = LogLevel.Warning,
        Message = "Monitor {Monitor} runs on a silo of another node: no stream until a silo of node {Node} is active, then it moves there")]
    public static partial void WaitingForNode(ILogger logger, string monitor, string node);
}
