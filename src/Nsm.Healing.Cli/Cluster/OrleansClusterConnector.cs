using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>An Orleans client host for the target's profile, the client-side twin of the silo's clustering.</summary>
public sealed class OrleansClusterConnector : IClusterConnector
{
    public async Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken)
    {
        var host = new HostBuilder()
            .ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.None))
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

                // A silo that dies is dropped from the gateway list within a second (the demo kills one).
                client.Configure<GatewayOptions>(gateways => gateways.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            })
            .Build();

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
            throw new CliException(ExitCodes.ClusterUnreachable, $"cannot reach the {target.Describe()}: {why}", e);
        }
    }

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
