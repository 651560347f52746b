using Microsoft.Extensions.Logging;
using Nsm.Healing.Connections;
using Nsm.Healing.Telemetry;

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
        Message = "Connection {ConnectionId} ignores {Trigger} about endpoint {Endpoint}: it no longer uses that connection")]
    public static partial void StaleMonitorEvent(ILogger logger, string connectionId, HealTrigger trigger, string endpoint);

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

    [LoggerMessage(EventId = 1020, EventName = "ConnectionInputFailed", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId}: {Input} from the monitor failed")]
    public static partial void InputFailed(ILogger logger, string connectionId, string input, Exception error);

    /// <summary>The log event (and metric) for what the connection machine observed.</summary>
    public static void Report(ILogger logger, HealingMetrics metrics, string connectionId, ConnectionNote note)
    {
        switch (note)
        {
            case ConnectionNote.ConnectionUp up:
                ConnectionUp(logger, connectionId, up.Endpoint, up.NsmgrAddress);
                break;
            case ConnectionNote.InitialRequestFailed failed:
                InitialRequestFailed(logger, connectionId, failed.Error);
                break;
            case ConnectionNote.HealStarted started:
                HealStarted(logger, started.IncidentId, connectionId, started.Trigger, started.Decision);
                metrics.HealStarted(started.Trigger, started.Decision);
                break;
            case ConnectionNote.HealAttemptFailed failed:
                HealAttemptFailed(logger, failed.IncidentId, connectionId, failed.Decision, failed.Attempt, failed.Delay, failed.Error);
                break;
            case ConnectionNote.HealHeldForIdentity held:
                HealHeldForIdentity(logger, held.IncidentId, connectionId, held.Decision, held.Delay, held.Reason);
                break;
            case ConnectionNote.HealEscalated escalated:
                HealEscalated(logger, escalated.IncidentId, connectionId, escalated.Reason);
                break;
            case ConnectionNote.HealSwitched switched:
                HealSwitched(logger, switched.IncidentId, connectionId, switched.Decision, switched.Trigger);
                break;
            case ConnectionNote.HealEnded { Heal: var heal }:
                metrics.HealEnded(heal);
                if (heal.Outcome == HealOutcome.Healed)
                {
                    HealSucceeded(logger, heal.IncidentId, connectionId, heal.Decision, heal.EndpointAfter ?? "", heal.Attempts, heal.Duration ?? TimeSpan.Zero);
                }
                else if (heal.Outcome == HealOutcome.Failed)
                {
                    HealFailed(logger, heal.IncidentId, connectionId, heal.Detail ?? "");
                }

                break;
            case ConnectionNote.Refreshed refreshed:
                metrics.Refreshed(refreshed.Succeeded);
                if (refreshed.Error is { } error)
                {
                    RefreshFailed(logger, connectionId, error);
                }

                break;
            case ConnectionNote.ConnectionClosed:
                ConnectionClosed(logger, connectionId);
                break;
            case ConnectionNote.CloseTooLate late:
                CloseTooLate(logger, connectionId, late.Purpose, late.TokenExpiredAt);
                metrics.CloseTooLate(late.Purpose);
                break;
            case ConnectionNote.CloseUnconfirmed unconfirmed:
                CloseUnconfirmed(logger, connectionId, unconfirmed.Attempts, unconfirmed.RetryAt, unconfirmed.Deadline, unconfirmed.Error);
                break;
            case ConnectionNote.CloseAbandoned abandoned:
                CloseAbandoned(logger, connectionId, abandoned.Attempts, abandoned.Deadline);
                metrics.CloseAbandoned();
                break;
            case ConnectionNote.TriggerIgnored ignored:
                TriggerIgnored(logger, connectionId, ignored.Phase, ignored.Trigger);
                break;
            case ConnectionNote.StaleTrigger stale:
                StaleMonitorEvent(logger, connectionId, stale.Trigger, stale.Endpoint);
                break;
            case ConnectionNote.StaleDataPlaneVerdict stale:
                StaleDataPlaneVerdict(logger, connectionId, stale.Verdict, stale.Endpoint);
                break;
            case ConnectionNote.AdmissionUnreachable unreachable:
                AdmissionUnreachable(logger, unreachable.IncidentId, connectionId, unreachable.Error);
                break;
            case ConnectionNote.PausedTrigger paused:
                PausedTrigger(logger, connectionId, paused.Trigger);
                break;
            case ConnectionNote.AttemptElsewhere elsewhere:
                AttemptElsewhere(logger, connectionId, elsewhere.StartedAt);
                break;
            case ConnectionNote.WaitingForNode waiting:
                WaitingForNode(logger, connectionId, waiting.Moving ? $"moving to the silo on node {waiting.Node}" : $"no silo on node {waiting.Node}: waiting for it");
                break;
            case ConnectionNote.NscGone gone:
                NscGone(logger, connectionId, gone.Reason);
                break;
            case ConnectionNote.WriteFailed failed:
                BookkeepingFailed(logger, connectionId, failed.What, failed.Error);
                break;
            case ConnectionNote.OrphanClosed orphan:
                OrphanClosed(logger, connectionId, orphan.NsmgrAddress, orphan.Endpoint);
                metrics.Orphan(orphan.NsmgrAddress, OrphanVerdict.Closed);
                break;
            case ConnectionNote.OrphanCloseFailed orphan:
                OrphanCloseFailed(logger, connectionId, orphan.NsmgrAddress, orphan.Error);
                metrics.Orphan(orphan.NsmgrAddress, OrphanVerdict.CloseFailed);
                break;
            case ConnectionNote.OrphanTooLate orphan:
                OrphanTooLate(logger, connectionId, orphan.NsmgrAddress, orphan.ExpiredAt);
                metrics.Orphan(orphan.NsmgrAddress, OrphanVerdict.TooLate);
                break;
            case ConnectionNote.RelearnedBeforeClose relearned:
                RelearnedBeforeClose(logger, connectionId, relearned.Error ?? "restored; the Close follows");
                break;
            case ConnectionNote.Readopted readopted:
                Readopted(logger, connectionId, readopted.From, readopted.Endpoint);
                metrics.Readopted(readopted.From);
                break;
            case ConnectionNote.RequestUpdated updated:
                RequestUpdated(logger, connectionId, updated.Change, updated.Endpoint);
                break;
            case ConnectionNote.HealLoopDetected loop:
                metrics.HealLoop();
                HealLoopDetected(logger, loop.IncidentId, connectionId, loop.Cycles, loop.Endpoint, loop.Delay);
                break;
            case ConnectionNote.ReselectSteered steered:
                metrics.ReselectSteered();
                ReselectSteered(logger, steered.IncidentId, connectionId, steered.Endpoint);
                break;
            case ConnectionNote.CloseForced forced:
                metrics.CloseForced();
                CloseForced(logger, connectionId, forced.Error);
                break;
            default:
                throw new InvalidOperationException($"no log or metric for {note.GetType().Name}");
        }
    }
    [LoggerMessage(EventId = 1101, EventName = "CloseTooLate", Level = LogLevel.Warning,
        Message = "Close ({Purpose}) of connection {ConnectionId} went out after our last token expired at {TokenExpiredAt:o}: too late, the NSMgr no longer held it for us")]
    public static partial void CloseTooLate(ILogger logger, string connectionId, ClosePurpose purpose, DateTimeOffset tokenExpiredAt);

    [LoggerMessage(EventId = 1102, EventName = "CloseUnconfirmed", Level = LogLevel.Warning,
        Message = "Close of connection {ConnectionId} not confirmed ({Attempts} tries); retried at {RetryAt:o}, until our token expires at {Deadline:o}: {Error}")]
    public static partial void CloseUnconfirmed(ILogger logger, string connectionId, int attempts, DateTimeOffset retryAt, DateTimeOffset deadline, string error);

    [LoggerMessage(EventId = 1103, EventName = "CloseAbandoned", Level = LogLevel.Error,
        Message = "Connection {ConnectionId} is Abandoned: no Close confirmed ({Attempts} sent) before token expiry at {Deadline:o}; the NSMgr or what lies behind it may still hold it")]
    public static partial void CloseAbandoned(ILogger logger, string connectionId, int attempts, DateTimeOffset deadline);

    [LoggerMessage(EventId = 1100, EventName = "HealHeldForIdentity", Level = LogLevel.Warning,
        Message = "Heal {IncidentId} of connection {ConnectionId}: {Decision} held, next try in {Delay}: {Reason}")]
    public static partial void HealHeldForIdentity(ILogger logger, string incidentId, string connectionId, HealDecision decision, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 1200, EventName = "NscNamespaceHeld", Level = LogLevel.Information,
        Message = "Connection {ConnectionId}: holding the NSC's network namespace {StatedUrl} ({Inode}) opened from {Path}")]
    public static partial void NscNamespaceHeld(ILogger logger, string connectionId, string statedUrl, string inode, string path);

    [LoggerMessage(EventId = 1201, EventName = "NscGone", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} closes: {Reason}")]
    public static partial void NscGone(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 1202, EventName = "WaitingForNode", Level = LogLevel.Warning,
        Message = "Connection {ConnectionId} makes no NSMgr call from this silo: {Reason}")]
    public static partial void WaitingForNode(ILogger logger, string connectionId, string reason);

    [LoggerMessage(EventId = 1300, EventName = "OrphanClosed", Level = LogLevel.Warning,
        Message = "Orphan {ConnectionId} closed at NSMgr {Nsmgr} (endpoint {Endpoint}): ours by its token, but no grain owned it")]
    public static partial void OrphanClosed(ILogger logger, string connectionId, string nsmgr, string endpoint);

    [LoggerMessage(EventId = 1301, EventName = "OrphanCloseFailed", Level = LogLevel.Warning,
        Message = "Orphan {ConnectionId} at NSMgr {Nsmgr} could not be closed; the next audit tries again while its token is valid: {Error}")]
    public static partial void OrphanCloseFailed(ILogger logger, string connectionId, string nsmgr, string error);

    [LoggerMessage(EventId = 1302, EventName = "OrphanTooLate", Level = LogLevel.Warning,
        Message = "Orphan {ConnectionId} at NSMgr {Nsmgr}: its token expired at {ExpiredAt:o}, no Close sent; the NSMgr times it out")]
    public static partial void OrphanTooLate(ILogger logger, string connectionId, string nsmgr, DateTimeOffset expiredAt);

    [LoggerMessage(EventId = 1303, EventName = "RelearnedBeforeClose", Level = LogLevel.Information,
        Message = "Connection {ConnectionId}: the NSMgr may have forgotten it, so a restore went before its Close: {Outcome}")]
    public static partial void RelearnedBeforeClose(ILogger logger, string connectionId, string outcome);

    [LoggerMessage(EventId = 1304, EventName = "ConnectionReadopted", Level = LogLevel.Information,
        Message = "Connection {ConnectionId} re-adopted from {From}: the NSC asked again and got the same path back at endpoint {Endpoint}")]
    public static partial void Readopted(ILogger logger, string connectionId, ConnectionPhase from, string endpoint);

    [LoggerMessage(EventId = 1305, EventName = "RequestUpdated", Level = LogLevel.Information,
        Message = "Connection {ConnectionId}: the NSC asked again with a changed request ({Change}); updated at endpoint {Endpoint}")]
    public static partial void RequestUpdated(ILogger logger, string connectionId, Requests.RequestChange change, string endpoint);
}
