using Microsoft.Extensions.Hosting;
using Orleans.Configuration;

namespace Nsm.Healing.Testing;

/// <summary>
/// The Orleans client an NSC would run against a cluster on the Redis profile, shared by the durability tests and the
/// recovery benchmark. Started, or disposed when it cannot start.
/// </summary>
public static class RedisClusterClient
{
    public static async Task<IHost> StartAsync(string redisConnectionString, string clusterId, string serviceId)
    {
        var host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseRedisClustering(redisConnectionString)
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = clusterId;
                    options.ServiceId = serviceId;
                })
                // Learn about dead and new gateways within a second, as an NSC should be configured too.
                .Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1)))
            .Build();
        try
        {
            await host.StartAsync();
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }
}
