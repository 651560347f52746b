using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Telemetry;
using Nsm.Healing.Silo.Tests.Hosting;
using Nsm.Healing.Telemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace Nsm.Healing.Silo.Tests.Telemetry;

/// <summary>
/// The silo's telemetry registration, built into a service provider and pointed at a stand-in collector. One class, so
/// its tests run one after another: a meter provider of one test would otherwise subscribe to the other's instruments.
/// </summary>
public sealed class TelemetryExportTests
{
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc, "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export", "/opentelemetry.proto.collector.trace.v1.TraceService/Export")]
    [InlineData(OtlpExportProtocol.HttpProtobuf, "/v1/metrics", "/v1/traces")]
    public async Task With_an_endpoint_healing_metrics_and_grain_call_spans_reach_the_collector(OtlpExportProtocol protocol, string metricsPath, string tracesPath)
    {
        await using var collector = await OtlpReceiver.StartAsync(protocol == OtlpExportProtocol.Grpc ? HttpProtocols.Http2 : HttpProtocols.Http1);
        var silo = new TestSiloBuilder();
        // The web host registers the meter factory, as it does in the silo.
        silo.Services.AddMetrics();
        silo.UseTelemetryExport(new TelemetryOptions { OtlpEndpoint = collector.Endpoint.ToString(), OtlpProtocol = protocol }, "cluster-under-test");
        await using var services = silo.Services.BuildServiceProvider();
        var meterProvider = services.GetRequiredService<MeterProvider>();
        var tracerProvider = services.GetRequiredService<TracerProvider>();

        new HealingMetrics(services.GetRequiredService<IMeterFactory>()).HealStarted(HealTrigger.ControlPlaneLost, HealDecision.Restore);
        using var grainCalls = new ActivitySource(ActivitySources.ApplicationGrainActivitySourceName);
        // A root span: an ambient Activity left by the test host would make the parent-based sampler follow its
        // (unrecorded) decision and drop ours.
        Activity.Current = null;
        using (var span = grainCalls.StartActivity("nsm.IConnectionGrain/GetState", ActivityKind.Server, parentContext: default))
        {
            Assert.True(span is { IsAllDataRequested: true }, "the tracer provider did not sample the grain call span");
        }

        Assert.True(meterProvider.ForceFlush(10_000) && tracerProvider.ForceFlush(10_000), "the exporters did not flush");
        var arrivalTimeout = TimeSpan.FromSeconds(10);
        Assert.True(await collector.WaitForAsync(metricsPath, "nsm.heals.started", arrivalTimeout), $"no nsm.heals.started at {metricsPath}; got: {Paths(collector)}");
        Assert.True(collector.Received(metricsPath, "cluster-under-test"), "the export does not carry the cluster id");
        Assert.True(await collector.WaitForAsync(tracesPath, "nsm.IConnectionGrain/GetState", arrivalTimeout), $"no grain call span at {tracesPath}; got: {Paths(collector)}");
        Assert.Contains(silo.Services, service => service.ServiceType == typeof(IIncomingGrainCallFilter) && service.ImplementationType?.Name.Contains("ActivityPropagation") == true);
    }

    [Fact]
    public async Task Without_an_endpoint_nothing_is_registered_and_no_instrument_is_listened_to()
    {
        var silo = new TestSiloBuilder();
        silo.Services.AddMetrics();
        silo.UseTelemetryExport(new TelemetryOptions(), "cluster-under-test");
        await using var services = silo.Services.BuildServiceProvider();

        Assert.Null(services.GetService<MeterProvider>());
        Assert.Null(services.GetService<TracerProvider>());
        Assert.DoesNotContain(silo.Services, service => service.ServiceType == typeof(IIncomingGrainCallFilter));
        var counter = services.GetRequiredService<IMeterFactory>().Create(HealingMetrics.MeterName).CreateCounter<long>("nsm.heals.started");
        Assert.False(counter.Enabled, "something subscribed to the Nsm.Healing meter although no endpoint is configured");
    }

    private static string Paths(OtlpReceiver collector) => string.Join(", ", collector.Exports.Select(export => export.Path).Distinct());
}
