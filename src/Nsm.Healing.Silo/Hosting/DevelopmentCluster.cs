using System.Net;
using Nsm.Healing.Grains;
using Nsm.Healing.Silo.Configuration;

namespace Nsm.Healing.Silo.Hosting;

internal static class DevelopmentCluster
{
    /// <summary>
    /// Loopback clustering through a primary silo, connection state and reminders in cluster memory: nothing to
    /// install, and nothing survives the silos. Several silos on one machine differ only in their ports.
    /// </summary>
    public static ISiloBuilder UseDevelopmentCluster(this ISiloBuilder silo, HealingSiloOptions options)
    {
        var primarySilo = options.PrimarySiloEndpoint is { } endpoint ? IPEndPoint.Parse(endpoint) : null;
        return silo
            .UseLocalhostClustering(options.SiloPort, options.GatewayPort, primarySilo, options.ServiceId, options.ClusterId)
            .AddMemoryGrainStorage(HealingStorage.Name)
            .UseInMemoryReminderService();
    }
}
