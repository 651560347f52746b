using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Client;
using Nsm.Healing.Cluster.Tls;
using Orleans.Configuration;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>An Orleans client host for the target's profile, the client-side twin of the silo's clustering.</summary>
public sealed class OrleansClusterConnector : IClusterConnector
{
    public async Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var tlsFailures = new TlsFailureRecorder();
        var host = Build(target, tlsFailures);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(target.ConnectTimeout);
        try
        {
            await host.StartAsync(deadline.Token);
            return new HostSession(host);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            host.Dispose();
            var why = e is OperationCanceledException ? $"no gateway answered within {target.ConnectTimeout.TotalSeconds:0.#} s" : e.Message;
            if (tlsFailures.Last is { } tlsFailure)
            {
                why += $"; last TLS error: {tlsFailure}";
            }
            else if (e is OperationCanceledException)
            {
                // Under TLS 1.3 a client learns only from the silo that its certificate was refused.
                why += target.Tls is null
                    ? " (if the cluster uses TLS, add --tls)"
                    : " (a silo that refuses this client's certificate logs why: event TlsHandshakeFailed)";
            }

            throw new CliException(ExitCodes.ClusterUnreachable, $"cannot reach the {target.Describe()}: {why}", e);
        }
    }

    private static IHost Build(ClusterTarget target, TlsFailureRecorder tlsFailures)
    {
        try
        {
            return BuildHost(target, tlsFailures);
        }
        catch (InvalidClusterTlsException e)
        {
            // Name the options the operator typed, not the configuration keys they stand for.
            var problems = e.Problems.Select(problem => problem
                .Replace($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Certificate)}", "--tls-certificate")
                .Replace($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Key)}", "--tls-key")
                .Replace($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.Password)}", ClusterCommandOptions.TlsPasswordVariable)
                .Replace($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.CaCertificate)}", "--tls-ca")
                .Replace($"{ClusterTlsOptions.Section}:{nameof(ClusterTlsOptions.TargetHost)}", "--tls-target-host"));
            throw CliException.Usage(string.Join("; ", problems));
        }
    }

    private static IHost BuildHost(ClusterTarget target, TlsFailureRecorder tlsFailures) => new HostBuilder()
        .ConfigureLogging(logging => logging.ClearProviders().AddProvider(tlsFailures))
        .UseOrleansClient(client =>
        {
            if (target.Profile == ClusterProfileName.Redis)
            {
                client.UseRedisClustering(target.RedisConnectionString!)
                    .Configure<ClusterOptions>(cluster =>
                    {
                        cluster.ClusterId = target.ClusterId;
                        cluster.ServiceId = target.ServiceId;
                    });
            }
            else
            {
                client.UseLocalhostClustering([.. target.GatewayPorts], target.ServiceId, target.ClusterId);
            }

            if (target.Tls is { } tls)
            {
                client.UseClusterTls(tls.ToOptions());
            }

            // A silo that dies is dropped from the gateway list within a second (the demo kills one).
            client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
        })
        .Build();

    private sealed class HostSession(IHost host) : IClusterSession
    {
        public IGrainFactory Grains { get; } = host.Services.GetRequiredService<IClusterClient>();

        public async ValueTask DisposeAsync()
        {
            using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await host.StopAsync(stopping.Token);
            }
            catch (OperationCanceledException)
            {
                // The gateway is gone or slow; the process is leaving anyway.
            }

            host.Dispose();
        }
    }
}
