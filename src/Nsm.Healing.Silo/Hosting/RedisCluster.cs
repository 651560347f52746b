using System.Net;
using Microsoft.Extensions.Options;
using Nsm.Healing.Grains;
using Nsm.Healing.Silo.Configuration;
using Orleans.Clustering.Redis;
using Orleans.Configuration;
using Orleans.Persistence;

namespace Nsm.Healing.Silo.Hosting;

internal static class RedisCluster
{
    /// <summary>
    /// Membership, connection state and heal reminders in Redis, over the one shared <see cref="RedisConnection"/>
    /// opened by <see cref="RedisStartupCheck"/>: any silo, or every silo, can die and healing resumes from Redis.
    /// </summary>
    public static ISiloBuilder UseRedisCluster(this ISiloBuilder silo, HealingSiloOptions options)
    {
        // A factory, not an instance, so the container disposes the connection at shutdown.
        silo.Services.AddSingleton(_ => new RedisConnection(options.Redis));
        silo.Services.AddHostedService<RedisStartupCheck>();
        silo.Configure<ClusterOptions>(cluster =>
        {
            cluster.ClusterId = options.ClusterId;
            cluster.ServiceId = options.ServiceId;
        });
        ConfigureEndpoints(silo, options);

        silo.UseRedisClustering(_ => { });
        silo.Services.AddOptions<RedisClusteringOptions>().Configure<RedisConnection>((clustering, redis) =>
        {
            clustering.ConfigurationOptions = redis.Configuration;
            clustering.CreateMultiplexer = _ => redis.ShareAsync();
        });
        silo.AddRedisGrainStorage(HealingStorage.Name, (OptionsBuilder<RedisStorageOptions> storageOptions) => storageOptions.Configure<RedisConnection>((storage, redis) =>
        {
            storage.ConfigurationOptions = redis.Configuration;
            storage.CreateMultiplexer = _ => redis.ShareAsync();
        }));
        silo.UseRedisReminderService(_ => { });
        silo.Services.AddOptions<RedisReminderTableOptions>().Configure<RedisConnection>((reminders, redis) =>
        {
            reminders.ConfigurationOptions = redis.Configuration;
            reminders.CreateMultiplexer = _ => redis.ShareAsync();
        });
        return silo;
    }

    private static void ConfigureEndpoints(ISiloBuilder silo, HealingSiloOptions options)
    {
        if (options.AdvertisedAddress is null)
        {
            silo.ConfigureEndpoints(options.SiloPort, options.GatewayPort);
        }
        else if (IPAddress.TryParse(options.AdvertisedAddress, out var address))
        {
            silo.ConfigureEndpoints(address, options.SiloPort, options.GatewayPort);
        }
        else
        {
            silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort);
        }
    }
}
