using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Cluster.Tls;
using Orleans.Configuration;

namespace Nsm.Healing.Client;

/// <summary>TLS from an NSC (or any cluster client) to the healing cluster's gateways.</summary>
public static class ClusterTlsClientBuilderExtensions
{
    /// <summary>
    /// TLS to the silos' gateways, from the "Nsm:Cluster:Tls" section the silos read too: <c>client.UseClusterTls(builder.Configuration)</c>.
    /// Does nothing while TLS is not enabled there.
    /// </summary>
    /// <exception cref="InvalidClusterTlsException">A setting is wrong or a file cannot be read; each problem names its key.</exception>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return client.UseClusterTls(configuration.GetSection(ClusterTlsOptions.Section).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions());
    }

    /// <summary>TLS to the silos' gateways. Certificates are read now, so a bad file fails here rather than at the first call.</summary>
    /// <exception cref="InvalidClusterTlsException">A setting is wrong or a file cannot be read; each problem names its key.</exception>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return client;
        }

        var (credentials, problems) = ClusterTlsCredentials.Load(options, ClusterTlsOptions.Section, certificateRequired: false);
        if (credentials is null)
        {
            throw new InvalidClusterTlsException(problems);
        }

        client.Services.AddOptions<ClientConnectionOptions>().Configure<ILoggerFactory>((connections, logging) =>
        {
            connections.ConfigureConnection(connection => connection.UseClusterTls(credentials, TlsConnectionRole.ToGateway, logging));
        });
        return client;
    }
}
