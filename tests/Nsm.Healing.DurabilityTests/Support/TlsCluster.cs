using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Client;
using Nsm.Healing.Cluster.Tls;
using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Testing.Tls;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// Two silo processes of the real host (Development profile: the second joins through the first) with TLS on silo and
/// gateway ports and mutual TLS for clients, certificates from a throwaway CA; plus a second CA nobody trusts.
/// </summary>
public sealed class TlsCluster : IAsyncLifetime
{
    private static readonly TimeSpan SiloReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly List<SiloProcess> _silos = [];

    public TestCertificateAuthority Ca { get; } = new();

    public TestCertificateAuthority UntrustedCa { get; } = new("nsm-untrusted-ca");

    public string ClusterId { get; } = $"tls-{Guid.NewGuid():N}";

    /// <summary>The two TLS silos; the first is the primary.</summary>
    public IReadOnlyList<SiloProcess> Silos => _silos;

    public (string Certificate, string Key) SiloCertificate { get; private set; }

    /// <summary>TLS to the gateways with a client certificate from the cluster's CA.</summary>
    public ClusterTlsOptions TrustedClient { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        SiloCertificate = Ca.IssuePem("silo");
        var client = Ca.IssuePem("nsc");
        TrustedClient = new ClusterTlsOptions { Enabled = true, Certificate = client.Certificate, Key = client.Key, CaCertificate = Ca.CaPath };
        var ports = SiloPorts.TakeFree(2);
        var primary = StartSilo("tls-1", ports[0], primary: null, tls: true);
        _silos.Add(primary);
        await primary.WaitReadyAsync(SiloReadyTimeout);
        var secondary = StartSilo("tls-2", ports[1], primary: primary, tls: true);
        _silos.Add(secondary);
        await secondary.WaitReadyAsync(SiloReadyTimeout);
    }

    /// <summary>A silo of this cluster, owned by the caller; with <paramref name="primary"/>, it joins through that silo's silo port.</summary>
    public SiloProcess StartSilo(string name, SiloPorts ports, SiloProcess? primary, bool tls)
    {
        var settings = new Dictionary<string, string>
        {
            ["Nsm__Cluster__ClusterId"] = ClusterId,
            ["Nsm__Cluster__ServiceId"] = ClusterId,
        };
        if (primary is not null)
        {
            settings["Nsm__Cluster__PrimarySiloEndpoint"] = $"127.0.0.1:{primary.Ports.Silo}";
        }

        if (tls)
        {
            settings["Nsm__Cluster__Tls__Enabled"] = "true";
            settings["Nsm__Cluster__Tls__Certificate"] = SiloCertificate.Certificate;
            settings["Nsm__Cluster__Tls__Key"] = SiloCertificate.Key;
            settings["Nsm__Cluster__Tls__CaCertificate"] = Ca.CaPath;
        }

        return TestSilos.Start(name, ports, settings);
    }

    /// <summary>An Orleans client of this cluster through both silos' gateways; throws when cancelled before it connected.</summary>
    /// <param name="logs">Receives everything the client logs.</param>
    public async Task<IHost> ConnectAsync(ClusterTlsOptions? tls, CapturedLogs logs, CancellationToken cancellation)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information))
            .UseOrleansClient(client =>
            {
                client.UseLocalhostClustering([.. _silos.Select(s => s.Ports.Gateway)], ClusterId, ClusterId);
                if (tls is not null)
                {
                    client.UseClusterTls(tls);
                }
            })
            .Build();
        try
        {
            await host.StartAsync(cancellation);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>How many lines the two silos wrote that contain every one of <paramref name="texts"/>.</summary>
    public int CountLines(params string[] texts) =>
        _silos.Sum(silo => silo.Output.All().Count(line => texts.All(text => line.Contains(text, StringComparison.Ordinal))));

    /// <summary>A raw TLS handshake with a silo port, as a peer with the cluster's client certificate: the certificate the port presents.</summary>
    public async Task<X509Certificate2> HandshakeAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream());
        using var client = X509Certificate2.CreateFromPemFile(TrustedClient.Certificate!, TrustedClient.Key);
        using var presentable = X509CertificateLoader.LoadPkcs12(client.Export(X509ContentType.Pkcs12), null);
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(Ca.CaPath);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [presentable],
            CertificateChainPolicy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, CustomTrustStore = { authorities[0] }, RevocationMode = X509RevocationMode.NoCheck },
        });
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    public async Task DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }

        Ca.Dispose();
        UntrustedCa.Dispose();
    }
}
