using Microsoft.Extensions.Options;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Nsmgr;
using Nsm.Simulator;
using Nsm.Simulator.Services;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>mTLS to NSMgrs (the simulator serving TLS and requiring a client certificate) and the nsm-client-token metadata.</summary>
public sealed class TransportSecurityTests : IDisposable
{
    private readonly TestCertificates _certificates = new();

    [Fact]
    public async Task Connections_and_the_monitor_stream_work_over_mtls_and_carry_the_client_token()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, nsmgr: options =>
        {
            options.Tls.CaCertificatePath = _certificates.CaPath;
            options.Tls.ClientCertificatePath = _certificates.ClientCertificatePath;
            options.Tls.ClientKeyPath = _certificates.ClientKeyPath;
            options.ClientToken = "secret-test-token";
        });
        await using var simulator = await StartTlsSimulator();
        var address = simulator.NsmgrAddress("nsmgr-1");
        Assert.StartsWith("https://", address);
        var id = NscScenario.NewId("mtls");
        var grain = cluster.Connection(id);

        var snapshot = await grain.Request(new ConnectionRequest { NsmgrAddress = address, Request = NscScenario.NewRequest(id), Policy = NscScenario.FastPolicy });

        Assert.Equal(ConnectionPhase.Up, snapshot.Phase);
        // The token reached the NSMgr (which puts the NSC's token in its path segment), and is never served back.
        Assert.Equal("secret-test-token", (await AtNsmgr(address, id)).Path.PathSegments[0].Token);
        Assert.Equal("", snapshot.Connection!.Path.PathSegments[0].Token);
        await Eventually.True(() => simulator.Records.OpenMonitorStreams("nsmgr-1") == 1, "the monitor stream over mTLS");
        simulator.Faults.KillForwarder(simulator.WiringOf(id)!.Forwarders[0]);
        await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        await grain.Close();
    }

    /// <summary>The connection as the NSMgr holds it, read from its monitor snapshot over the silo's own mTLS channel settings.</summary>
    private async Task<Nsm.Api.Connection> AtNsmgr(string address, string id)
    {
        var options = Options.Create(new NsmgrClientOptions
        {
            AllowedAddresses = HealingCluster.LoopbackNsmgrs,
            Tls = new NsmgrTlsOptions
            {
                CaCertificatePath = _certificates.CaPath,
                ClientCertificatePath = _certificates.ClientCertificatePath,
                ClientKeyPath = _certificates.ClientKeyPath,
            },
        });
        using var pool = new NsmgrChannelPool(options, new NsmgrAddressAllowList(options), TimeProvider.System);
        using var lease = pool.Rent(address);
        using var stream = new Nsm.Api.MonitorConnection.MonitorConnectionClient(lease.Channel).MonitorConnections(new Nsm.Api.MonitorScopeSelector());
        Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
        return stream.ResponseStream.Current.Connections.Values.Single(connection => connection.Path.PathSegments[0].Id == id);
    }

    [Fact]
    public async Task Without_a_client_certificate_the_nsmgr_refuses_and_nothing_is_stored()
    {
        await using var cluster = await HealingCluster.StartAsync(silos: 1, nsmgr: options => options.Tls.CaCertificatePath = _certificates.CaPath);
        await using var simulator = await StartTlsSimulator();
        var id = NscScenario.NewId("no-client-cert");
        var grain = cluster.Connection(id);

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() =>
            grain.Request(new ConnectionRequest { NsmgrAddress = simulator.NsmgrAddress("nsmgr-1"), Request = NscScenario.NewRequest(id), Policy = NscScenario.FastPolicy }));

        // TLS 1.3 reports a refused client certificate after the client's side of the handshake, so the status depends
        // on when the refusal lands (Unavailable, or Internal/Unknown on the first read); the refusal itself does not.
        Assert.Contains(error.StatusCode, new[] { "Unavailable", "Internal", "Unknown" });
        Assert.Contains(simulator.NsmgrAddress("nsmgr-1"), error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Empty(simulator.Records.Requests());
    }

    public void Dispose() => _certificates.Dispose();

    private Task<NsmSimulator> StartTlsSimulator() => NsmSimulator.StartAsync(
        SimulatorTopology.Default(nodes: 1, nsesPerNode: 2),
        tls: new SimulatorTls(_certificates.ServerCertificate, ClientCertificateAuthority: _certificates.Authority));
}
