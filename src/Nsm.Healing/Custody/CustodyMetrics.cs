using System.Diagnostics.Metrics;
using Nsm.Healing.Telemetry;

namespace Nsm.Healing.Custody;

/// <summary>Custody instruments on the "Nsm.Healing" meter: quarantines, and the connections looping on this silo.</summary>
public sealed class CustodyMetrics
{
    private readonly Counter<long> _imposed;
    private readonly Counter<long> _lifted;

    public CustodyMetrics(IMeterFactory meters, ConnectionCensus census, QuarantineView quarantine, TimeProvider time)
    {
        var meter = meters.Create(HealingMetrics.MeterName);
        _imposed = meter.CreateCounter<long>("nsm.quarantines.imposed", "{quarantine}", "NSEs and forwarders quarantined for heal loops, by kind");
        _lifted = meter.CreateCounter<long>("nsm.quarantines.lifted", "{quarantine}", "Quarantines lifted by an operator, by kind");
        meter.CreateObservableGauge("nsm.connections.looping", () => census.LoopingNow(time.GetUtcNow()), "{connection}",
            "Active connections of this silo in a heal loop");
        meter.CreateObservableGauge("nsm.quarantines.active", () => quarantine.Current.Entries.Count(entry => entry.Until > time.GetUtcNow()), "{quarantine}",
            "Quarantines in force, as this silo last read them (the same on every silo: take the maximum)");
    }

    public void Imposed(EndpointKind kind) => _imposed.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));

    public void Lifted(EndpointKind kind) => _lifted.Add(1, new KeyValuePair<string, object?>("kind", kind.ToString()));
}
