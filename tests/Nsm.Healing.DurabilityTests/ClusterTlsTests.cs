using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.Cluster.Tls;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>
/// Transport TLS between real silo processes, and from clients to their gateways: two silos form one cluster over TLS, a
/// client with a certificate from the cluster's CA calls grains, and every other client is refused with the reason logged.
/// </summary>
[Trait("Category", "Slow")]
public sealed class ClusterTlsTests(TlsCluster cluster, ITestOutputHelper output) : IClassFixture<TlsCluster>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Two_silos_form_one_cluster_over_tls_and_a_silo_without_tls_cannot_join()
    {
        using var client = await ConnectAsync(cluster.TrustedClient, new CapturedLogs());
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
        foreach (var silo in cluster.Silos)
        {
            // The silo port itself speaks TLS and presents the silo's certificate.
            using var presented = await cluster.HandshakeAsync(silo.Ports.Silo);
            Assert.Equal("CN=silo", presented.Subject);
        }

        var refusalsBefore = cluster.CountLines("TLS handshake on the silo port with", "failed");
        await using var plain = cluster.StartSilo("plain", SiloPorts.TakeFree(1)[0], primary: cluster.Silos[0], tls: false);
        await Eventually.True(() => cluster.CountLines("TLS handshake on the silo port with", "failed") > refusalsBefore,
            "the TLS primary to refuse the plain silo's connection", Timeout, () => plain.Output.Tail(20));

        Assert.NotEqual(HttpStatusCode.OK, await plain.ProbeAsync("/healthz/ready"));
        Assert.Equal(2, (await management.GetHosts(onlyActive: true)).Count);
    }

    [Fact]
    public async Task A_client_with_a_certificate_from_the_trusted_ca_calls_a_grain()
    {
        var logs = new CapturedLogs();
        using var client = await ConnectAsync(cluster.TrustedClient, logs);

        var snapshot = await client.Services.GetRequiredService<IClusterClient>().GetGrain<IConnectionGrain>($"tls-{Guid.NewGuid():N}").GetState();

        Assert.Equal(ConnectionPhase.None, snapshot.Phase);
        Assert.False(logs.Contains("TlsHandshakeFailed"), string.Join("\n", logs.Messages));
    }

    [Fact]
    public async Task A_client_without_tls_is_refused() =>
        await AssertRefusedAsync(tls: null, "TLS handshake on the gateway port with", "failed; connection closed");

    [Fact]
    public async Task A_client_with_a_certificate_from_an_untrusted_ca_is_refused()
    {
        var (certificate, key) = cluster.UntrustedCa.IssuePem("intruder");

        await AssertRefusedAsync(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, CaCertificate = cluster.Ca.CaPath },
            "TLS handshake on the gateway port with", "the peer was refused: its certificate 'CN=intruder' is not trusted by the configured CA certificate");
    }

    [Fact]
    public async Task A_client_without_a_certificate_is_refused_by_gateways_that_require_one() =>
        await AssertRefusedAsync(new ClusterTlsOptions { Enabled = true, CaCertificate = cluster.Ca.CaPath },
            "TLS handshake on the gateway port with", "the peer was refused: it presented no certificate");

    [Fact]
    public async Task A_client_that_does_not_trust_the_silos_ca_refuses_to_talk_to_them()
    {
        var logs = new CapturedLogs();
        using var stop = new CancellationTokenSource();
        var trusting = cluster.TrustedClient;
        var connecting = cluster.ConnectAsync(
            new ClusterTlsOptions { Enabled = true, Certificate = trusting.Certificate, Key = trusting.Key, CaCertificate = cluster.UntrustedCa.CaPath }, logs, stop.Token);

        const string refusal = "failed; connection closed: the peer was refused: its certificate 'CN=silo' is not trusted by the configured CA certificate";
        await Eventually.True(() => connecting.IsCompleted || logs.Contains(refusal), "the client to refuse the silo's certificate", Timeout,
            () => string.Join("\n", logs.Messages.TakeLast(10)));
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting);
        Assert.True(logs.Contains("TLS handshake on the connection to gateway with 127.0.0.1:"), string.Join("\n", logs.Messages.TakeLast(10)));
    }

    /// <summary>Starts a client and waits until a silo logs refusing it; by then the client must not have connected.</summary>
    private async Task AssertRefusedAsync(ClusterTlsOptions? tls, params string[] refusal)
    {
        var refusalsBefore = cluster.CountLines(refusal);
        var logs = new CapturedLogs();
        using var stop = new CancellationTokenSource();
        var connecting = cluster.ConnectAsync(tls, logs, stop.Token);

        await Eventually.True(() => connecting.IsCompleted || cluster.CountLines(refusal) > refusalsBefore,
            $"a silo to log: {string.Join(" … ", refusal)}", Timeout, () => cluster.Silos[0].Output.Tail(10));
        await stop.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => connecting);
        output.WriteLine(string.Join("\n", cluster.Silos.SelectMany(silo => silo.Output.All()).Where(line => refusal.All(line.Contains)).TakeLast(2)));
        output.WriteLine("client: " + string.Join("\n", logs.Messages.Where(message => message.Contains("Tls") || message.Contains("TLS")).TakeLast(3)));
    }

    private async Task<IHost> ConnectAsync(ClusterTlsOptions tls, CapturedLogs logs)
    {
        using var deadline = new CancellationTokenSource(Timeout);
        return await cluster.ConnectAsync(tls, logs, deadline.Token);
    }
}
