using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Nsm.Healing.Silo.Telemetry;

/// <summary>
/// Sends the Nsm.Healing and Orleans meters, and Orleans' grain call spans, to an OpenTelemetry collector over OTLP.
/// Nothing is registered when no endpoint is configured, so a silo without a collector pays nothing for it.
/// </summary>
public static class TelemetryExport
{
    public const string ServiceName = "nsm-healing-silo";

    /// <summary>Orleans' own meter: activations, messaging, membership, storage latencies.</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>
    /// Grain calls made by application code (ours), and grain state reads and writes. Not the runtime source:
    /// it traces Orleans' own system calls (membership probes, gossip), a steady stream that says nothing about healing.
    /// </summary>
    public static readonly IReadOnlyList<string> TracedSources = [ActivitySources.ApplicationGrainActivitySourceName, ActivitySources.StorageActivitySourceName];

    public static ISiloBuilder UseTelemetryExport(this ISiloBuilder silo, TelemetryOptions telemetry, string clusterId)
    {
        if (telemetry.OtlpEndpoint is null)
        {
            return silo;
        }

        var endpoint = new Uri(telemetry.OtlpEndpoint);
        // Grain call spans exist only with these filters; they also carry the trace context from caller to grain.
        silo.AddActivityPropagation();
        silo.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName)
                .AddAttributes([new("nsm.cluster_id", clusterId)]))
            .WithMetrics(metrics => metrics
                .AddMeter(HealingMetrics.MeterName, OrleansMeterName)
                .AddOtlpExporter(otlp => Point(otlp, endpoint, telemetry.OtlpProtocol, "v1/metrics")))
            .WithTracing(tracing => tracing
                .AddSource([.. TracedSources])
                .AddOtlpExporter(otlp => Point(otlp, endpoint, telemetry.OtlpProtocol, "v1/traces")));
        return silo;
    }

    /// <summary>
    /// An endpoint set in code is used as given, so for HTTP/protobuf the signal's path is appended here,
    /// as the exporter itself does for OTEL_EXPORTER_OTLP_ENDPOINT.
    /// </summary>
    private static void Point(OtlpExporterOptions otlp, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        otlp.Protocol = protocol;
        otlp.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}
