using OpenTelemetry.Exporter;

namespace Nsm.Healing.Silo.Configuration;

/// <summary>What the silo exports and shows about itself. Bound from configuration section "Nsm:Telemetry".</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Nsm:Telemetry";

    /// <summary>
    /// The OpenTelemetry collector to send metrics and traces to over OTLP, e.g. "http://otel-collector:4317".
    /// Empty: nothing is exported, and no exporter runs.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary>gRPC (collectors' port 4317) or HTTP/protobuf (port 4318; the silo appends /v1/metrics and /v1/traces).</summary>
    public OtlpExportProtocol OtlpProtocol { get; set; } = OtlpExportProtocol.Grpc;

    /// <summary>The Orleans dashboard under /dashboard on the HTTP port.</summary>
    public bool Dashboard { get; set; } = true;

    /// <summary>
    /// Whether /status and /dashboard answer callers other than the silo's own loopback (kubectl port-forward arrives
    /// there). Off by default: neither asks who is calling, and the dashboard calls grain methods for whoever asks.
    /// The health endpoints answer everyone either way.
    /// </summary>
    public bool OperatorPagesFromAnywhere { get; set; }
}
