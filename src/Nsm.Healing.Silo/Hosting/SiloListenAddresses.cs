using System.Net;
using Nsm.Healing.Silo.Configuration;

namespace Nsm.Healing.Silo.Hosting;

/// <summary>Where the silo's ports listen: for Kestrel, and for the start-up check that nothing else holds them.</summary>
internal static class SiloListenAddresses
{
    /// <summary>The HTTP port's address (<see cref="HealingSiloOptions.HttpBindAddress"/>); null: every interface.</summary>
    public static IPAddress? Http(HealingSiloOptions options) => options.HttpBindAddress is { Length: > 0 } address
        ? IPAddress.Parse(address)
        : options.Profile == ClusterProfile.Development ? IPAddress.Loopback : null;

    /// <summary>The silo and gateway ports: loopback on the Development profile; on the Redis profile, checked on every interface.</summary>
    public static IPAddress Cluster(HealingSiloOptions options) =>
        options.Profile == ClusterProfile.Development ? IPAddress.Loopback : IPAddress.Any;
}
