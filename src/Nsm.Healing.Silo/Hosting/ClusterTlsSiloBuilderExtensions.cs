using Nsm.Healing.Cluster.Tls;
using Nsm.Healing.Silo.Configuration;
using Orleans.Configuration;

namespace Nsm.Healing.Silo.Hosting;

public static class ClusterTlsSiloBuilderExtensions
{
    /// <summary>
    /// TLS on every connection of the silo: the silo port both ways (mutual: silos always present their certificate) and
    /// the gateway port (client certificates as <see cref="ClusterTlsOptions.RequireClientCertificate"/> says). Nothing when off.
    /// </summary>
    /// <exception cref="InvalidSiloConfigurationException">A certificate file went bad since the options were checked.</exception>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterTlsOptions tls)
    {
        if (!tls.Enabled)
        {
            return silo;
        }

        var (credentials, problems) = ClusterTlsCredentials.Load(tls, ClusterTlsOptions.Section, certificateRequired: true);
        if (credentials is null)
        {
            throw new InvalidSiloConfigurationException(problems);
        }

        silo.Services.AddOptions<SiloConnectionOptions>().Configure<ILoggerFactory>((connections, logging) =>
        {
            connections.ConfigureSiloInboundConnection(connection => connection.UseClusterTls(credentials, TlsConnectionRole.SiloPort, logging));
            connections.ConfigureSiloOutboundConnection(connection => connection.UseClusterTls(credentials, TlsConnectionRole.ToSilo, logging));
            connections.ConfigureGatewayInboundConnection(connection =>
                connection.UseClusterTls(credentials, TlsConnectionRole.GatewayPort(credentials.RequireClientCertificate), logging));
        });
        return silo;
    }
}
