using Nsm.Healing.Silo.Configuration;
using OpenTelemetry.Exporter;

namespace Nsm.Healing.Silo.Tests.Configuration;

public sealed class TelemetryConfigurationTests
{
    [Fact]
    public void Nothing_configured_exports_nothing_and_shows_the_dashboard()
    {
        var telemetry = SiloConfiguration.Load(Settings.Of()).Telemetry;

        Assert.Null(telemetry.OtlpEndpoint);
        Assert.Equal(OtlpExportProtocol.Grpc, telemetry.OtlpProtocol);
        Assert.True(telemetry.Dashboard);
    }

    [Fact]
    public void Telemetry_is_read_from_its_own_section()
    {
        var telemetry = SiloConfiguration.Load(Settings.Of(
            ("Nsm:Telemetry:OtlpEndpoint", "http://otel-collector:4318"), ("Nsm:Telemetry:OtlpProtocol", "HttpProtobuf"), ("Nsm:Telemetry:Dashboard", "false"))).Telemetry;

        Assert.Equal(("http://otel-collector:4318", OtlpExportProtocol.HttpProtobuf, false), (telemetry.OtlpEndpoint, telemetry.OtlpProtocol, telemetry.Dashboard));
    }

    [Fact]
    public void An_empty_endpoint_is_no_endpoint()
    {
        Assert.Null(SiloConfiguration.Load(Settings.Of(("Nsm:Telemetry:OtlpEndpoint", " "))).Telemetry.OtlpEndpoint);
    }

    [Theory]
    [InlineData("otel-collector:4317")]
    [InlineData("/v1/metrics")]
    [InlineData("ftp://otel-collector:4317")]
    public void An_endpoint_that_is_not_an_http_url_is_rejected_by_name(string endpoint)
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Telemetry:OtlpEndpoint", endpoint))));

        Assert.Equal($"Nsm:Telemetry:OtlpEndpoint must be an absolute http:// or https:// URL, e.g. http://otel-collector:4317 (was '{endpoint}')", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_misspelt_telemetry_key_stops_the_silo()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Telemetry:OtlpEndpiont", "http://c:4317"))));

        Assert.Equal("Nsm:Telemetry:OtlpEndpiont is not a setting (misspelt?)", Assert.Single(error.Problems));
    }

    [Fact]
    public void Telemetry_under_the_cluster_section_is_not_a_setting()
    {
        var error = Assert.Throws<InvalidSiloConfigurationException>(() => SiloConfiguration.Load(Settings.Of(("Nsm:Cluster:Telemetry:Dashboard", "false"))));

        Assert.Equal("Nsm:Cluster:Telemetry is not a setting (misspelt?)", Assert.Single(error.Problems));
    }
}
