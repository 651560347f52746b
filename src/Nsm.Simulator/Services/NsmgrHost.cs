using System.Net;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Nsm.Simulator.Keepalive;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Nsm.Identity;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Namespaces;
using Nsm.Simulator.Nsmgrs;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Services;

/// <summary>
/// One Kestrel host per NSMgr, serving NetworkService, MonitorConnection and Health over HTTP/2 on loopback TCP and
/// optionally a unix socket: mTLS with the NSMgr's SVID on both (as cmd-nsmgr), or plaintext h2c when asked. The host keeps listening while the NSMgr is down,
/// so it comes back on the same address and health can say NOT_SERVING meanwhile. Client PINGs are policed as a
/// grpc-go NSMgr polices them (<see cref="KeepaliveEnforcement"/>).
/// </summary>
internal sealed class NsmgrHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly DescriptorReceivingRelay? _relay;
    private readonly System.IO.DirectoryInfo? _privateDirectory;

    private NsmgrHost(WebApplication app, string address, string? unixSocket, DescriptorReceivingRelay? relay, System.IO.DirectoryInfo? privateDirectory)
    {
        _app = app;
        Address = address;
        UnixSocket = unixSocket;
        _relay = relay;
        _privateDirectory = privateDirectory;
    }

    /// <summary>The TCP address, e.g. http://127.0.0.1:40123.</summary>
    public string Address { get; }

    public string? UnixSocket { get; }

    public static async Task<NsmgrHost> StartAsync(
        NodeSpec node, Simulation simulation, ILoggerFactory loggers, KeepalivePolicy keepalive, KeepaliveRecord keepaliveRecord, CancellationToken cancellationToken)
    {
        if (node.UnixSocket is not null)
        {
            await UnixSocketFile.ClaimAsync(node.UnixSocket, cancellationToken).ConfigureAwait(false);
        }

        // NSCs dial node.UnixSocket, served by the relay that receives their descriptors; Kestrel listens on a
        // socket of its own in a private directory behind it.
        var privateDirectory = node.UnixSocket is null ? null : System.IO.Directory.CreateTempSubdirectory("nsm-sim-");
        var kestrelSocket = privateDirectory is null ? null : System.IO.Path.Combine(privateDirectory.FullName, "kestrel.sock");
        var descriptors = simulation.Inspect(state => state.NsmgrNamed(node.Nsmgr)).Descriptors;
        var identities = simulation.State.Identities;
        // Wall-clock, as grpc-go's: client PINGs arrive on real time whatever clock the simulation runs on.
        var enforcement = new KeepaliveEnforcement(keepalive, TimeProvider.System, node.Nsmgr, keepaliveRecord, loggers.CreateLogger<KeepaliveEnforcement>());
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, node.Port, listen => Serve(listen, node.Nsmgr, identities, enforcement));
            if (kestrelSocket is not null)
            {
                kestrel.ListenUnixSocket(kestrelSocket, listen => Serve(listen, node.Nsmgr, identities, enforcement));
            }
        });
        builder.Services.AddSingleton(loggers);
        builder.Services.AddSingleton<IHostLifetime, SimulatorOwnedLifetime>();
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = SimulatorOwnedLifetime.ShutdownTimeout);
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new NsmgrBinding(node.Nsmgr, simulation, descriptors));
        builder.Services.AddSingleton(simulation.Inspect<Nsmgr>(state => state.NsmgrNamed(node.Nsmgr)).Health);

        var app = builder.Build();
        app.MapGrpcService<NsmgrNetworkService>();
        app.MapGrpcService<NsmgrMonitorService>();
        app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var relay = node.UnixSocket is null ? null : DescriptorReceivingRelay.Start(node.UnixSocket, kestrelSocket!, descriptors);

        var address = app.Urls.First(url => url.StartsWith(identities is null ? "http://127.0.0.1:" : "https://127.0.0.1:", StringComparison.Ordinal));
        SimulatorLog.NsmgrListening(loggers.CreateLogger<NsmgrHost>(), node.Nsmgr, address);
        return new NsmgrHost(app, address, node.UnixSocket, relay, privateDirectory);
    }

    /// <summary>
    /// mTLS as go-spiffe's MTLSServerConfig with AuthorizeAny: the NSMgr's current SVID (renewals apply to new
    /// connections), and a client certificate that chains to the bundle and names an ID of the trust domain.
    /// A refused client never reaches a gRPC method, as with a real NSMgr.
    /// </summary>
    private static void Serve(ListenOptions listen, string nsmgr, ElementIdentities? identities, KeepaliveEnforcement enforcement)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (identities is not null)
        {
            listen.UseHttps(https =>
            {
                https.ServerCertificateSelector = (_, _) => identities.Of(nsmgr).Certificate;
                https.ClientCertificateMode = ClientCertificateMode.RequireCertificate;
                // The platform's verdict is ignored: it knows nothing of the SPIFFE bundle; ours is the whole check.
                https.ClientCertificateValidation = (certificate, chain, ignoredPlatformErrors) =>
                    SpiffeTrust.Authenticate(certificate, chain, identities.Of(nsmgr), allowed: null, out _) is not null;
            });
        }

        // After TLS: the policing reads plaintext frames.
        listen.Use(next => connection => enforcement.OnConnectionAsync(connection, next));
    }

    public async ValueTask DisposeAsync()
    {
        if (_relay is not null)
        {
            await _relay.DisposeAsync().ConfigureAwait(false);
        }

        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (UnixSocket is not null)
        {
            UnixSocketFile.Remove(UnixSocket);
        }

        _privateDirectory?.Delete(recursive: true);
    }
}
