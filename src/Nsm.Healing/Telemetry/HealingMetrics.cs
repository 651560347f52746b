using System.Diagnostics.Metrics;
using Nsm.Healing.Connections;

namespace Nsm.Healing.Telemetry;

/// <summary>
/// The "Nsm.Healing" meter: what an operator graphs and alerts on. Instrument names and tags are documented in
/// docs/metrics.md; exporting them (OTLP) is the silo host's business.
/// </summary>
public sealed class HealingMetrics
{
    public const string MeterName = "Nsm.Healing";

    private readonly Counter<long> _healsStarted;
    private readonly Counter<long> _healsSucceeded;
    private readonly Counter<long> _healsFailed;
    private readonly Histogram<double> _healDuration;
    private readonly UpDownCounter<long> _connections;
    private readonly Counter<long> _refreshes;
    private readonly UpDownCounter<long> _streamsOpen;
    private readonly Counter<long> _streamLosses;
    private readonly Counter<long> _streamReconnects;
    private readonly Counter<long> _monitorEvents;
    private readonly UpDownCounter<long> _admissionQueue;
    private readonly Counter<long> _closesTooLate;
    private readonly Counter<long> _closesAbandoned;
    private readonly Counter<long> _orphans;
    private readonly Counter<long> _readoptions;
    private readonly Histogram<double> _orphanAudit;
    private readonly Counter<long> _healLoops;
    private readonly Counter<long> _reselectsSteered;
    private readonly Counter<long> _closesForced;

    public HealingMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _healsStarted = meter.CreateCounter<long>("nsm.heals.started", "{heal}", "Heals started, by trigger and decision");
        _healsSucceeded = meter.CreateCounter<long>("nsm.heals.succeeded", "{heal}", "Heals the NSMgr accepted, by trigger and final decision");
        _healsFailed = meter.CreateCounter<long>("nsm.heals.failed", "{heal}", "Heals that gave up (connection Failed), by trigger and final decision");
        _healDuration = meter.CreateHistogram<double>("nsm.heal.duration", "s", "From trigger to outcome, by final decision and outcome");
        _connections = meter.CreateUpDownCounter<long>("nsm.connections", "{connection}", "Active connection grains by phase");
        _refreshes = meter.CreateCounter<long>("nsm.refreshes", "{refresh}", "Token refreshes, by outcome");
        _streamsOpen = meter.CreateUpDownCounter<long>("nsm.monitor.streams", "{stream}", "Open MonitorConnections streams (one per NSMgr cluster-wide)");
        _streamLosses = meter.CreateCounter<long>("nsm.monitor.stream_losses", "{loss}", "Monitor streams lost: control plane down at an NSMgr");
        _streamReconnects = meter.CreateCounter<long>("nsm.monitor.reconnects", "{reconnect}", "Monitor streams re-established after a loss");
        _monitorEvents = meter.CreateCounter<long>("nsm.monitor.events", "{event}", "Monitor events by result: delivered, unchanged, unmatched");
        _admissionQueue = meter.CreateUpDownCounter<long>("nsm.admission.queue", "{heal}", "Heals waiting for an NSMgr's admission");
        _closesAbandoned = meter.CreateCounter<long>("nsm.closes.abandoned", "{connection}", "Connections Abandoned: no Close confirmed before the last token we sent expired");
        _orphans = meter.CreateCounter<long>("nsm.orphans", "{connection}", "Orphans the audit found at an NSMgr (ours, no grain owns them), by nsmgr and outcome");
        _readoptions = meter.CreateCounter<long>("nsm.readoptions", "{connection}", "Connections an NSC asked for again and got back on the same path, by the phase they were in");
        _orphanAudit = meter.CreateHistogram<double>("nsm.orphan_audit.duration", "s", "One orphan audit of an NSMgr's snapshot, from its arrival to every verdict");
        _healLoops = meter.CreateCounter<long>("nsm.heal_loops", "{cycle}", "Reselects held back because the connection is in a heal loop");
        _reselectsSteered = meter.CreateCounter<long>("nsm.reselects.steered", "{reselect}", "Reselects that named a healthy NSE because NSEs of their service are quarantined");
        _closesForced = meter.CreateCounter<long>("nsm.closes.forced", "{connection}", "Connections an operator force-closed that the NSMgr did not confirm");
        _closesTooLate = meter.CreateCounter<long>("nsm.closes.too_late", "{close}", "Closes sent after the last token we sent had expired, by purpose");
    }

    public void HealStarted(HealTrigger trigger, HealDecision decision) =>
        _healsStarted.Add(1, Tag("trigger", trigger), Tag("decision", decision));

    public void HealEnded(HealRecord heal)
    {
        var counter = heal.Outcome == HealOutcome.Healed ? _healsSucceeded : _healsFailed;
        if (heal.Outcome is HealOutcome.Healed or HealOutcome.Failed)
        {
            counter.Add(1, Tag("trigger", heal.Trigger), Tag("decision", heal.Decision));
        }

        if (heal.Duration is { } duration)
        {
            _healDuration.Record(duration.TotalSeconds, Tag("decision", heal.Decision), Tag("outcome", heal.Outcome));
        }
    }

    public void PhaseChanged(ConnectionPhase from, ConnectionPhase to)
    {
        if (from == to)
        {
            return;
        }

        if (from != ConnectionPhase.None)
        {
            _connections.Add(-1, Tag("phase", from));
        }

        if (to != ConnectionPhase.None)
        {
            _connections.Add(1, Tag("phase", to));
        }
    }

    public void Refreshed(bool succeeded) => _refreshes.Add(1, new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "failed"));

    public void StreamOpened(bool afterLoss)
    {
        _streamsOpen.Add(1);
        if (afterLoss)
        {
            _streamReconnects.Add(1);
        }
    }

    public void StreamClosed(bool lost)
    {
        _streamsOpen.Add(-1);
        if (lost)
        {
            _streamLosses.Add(1);
        }
    }

    public void MonitorEvents(string result, long count) => _monitorEvents.Add(count, new KeyValuePair<string, object?>("result", result));

    public void AdmissionQueueChanged(long delta)
    {
        if (delta != 0)
        {
            _admissionQueue.Add(delta);
        }
    }

    public void CloseAbandoned() => _closesAbandoned.Add(1);

    public void Orphan(string nsmgrAddress, OrphanVerdict outcome) =>
        _orphans.Add(1, new KeyValuePair<string, object?>("nsmgr", nsmgrAddress), Tag("outcome", outcome));

    public void Readopted(ConnectionPhase from) => _readoptions.Add(1, Tag("from", from));

    public void OrphanAudited(TimeSpan duration) => _orphanAudit.Record(duration.TotalSeconds);
    public void HealLoop() => _healLoops.Add(1);

    public void ReselectSteered() => _reselectsSteered.Add(1);

    public void CloseForced() => _closesForced.Add(1);

    public void CloseTooLate(ClosePurpose purpose) => _closesTooLate.Add(1, Tag("purpose", purpose));

    private static KeyValuePair<string, object?> Tag<T>(string name, T value) where T : Enum => new(name, value.ToString());
}
