using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Connections.Security;

namespace Nsm.Healing.Cluster.Tls;

/// <summary>
/// Puts one kind of cluster connection inside TLS with Orleans' own TLS middleware (Microsoft.Orleans.Connections.Security),
/// and adds what operators need beside it: the reason a peer was refused, logged as <c>TlsHandshakeFailed</c> under
/// <see cref="LogCategory"/>, and the refusal of a peer without a certificate where the role requires one.
/// </summary>
public static class ClusterTlsConnections
{
    /// <summary>The logger category of <c>TlsHandshakeFailed</c>; a client that keeps its logs off can still listen to it.</summary>
    public const string LogCategory = "Nsm.Healing.Cluster.Tls.ClusterTls";

    /// <param name="credentials">This process's certificate and the authorities it trusts.</param>
    /// <param name="connection">The Orleans connection builder of one role (silo port, gateway port, outbound).</param>
    /// <param name="role">Which connection this is: decides the TLS side and whether the peer must present a certificate.</param>
    /// <param name="logging">Where refused handshakes are logged.</param>
    public static void UseClusterTls(this IConnectionBuilder connection, ClusterTlsCredentials credentials, TlsConnectionRole role, ILoggerFactory logging)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(role);
        var logger = logging.CreateLogger(LogCategory);

        connection.Use(next => context => TlsHandshakeVerdict.TrackAsync(context, next, role, logger));
        var options = TlsOptionsFor(credentials, role);
        if (role.IsServer)
        {
            connection.UseServerTls(options);
        }
        else
        {
            connection.UseClientTls(options);
        }

        connection.Use(next => context => TlsHandshakeVerdict.AdmitAsync(context, next, role));
    }

    private static TlsOptions TlsOptionsFor(ClusterTlsCredentials credentials, TlsConnectionRole role)
    {
        var options = new TlsOptions
        {
            LocalCertificate = credentials.Certificate?.TargetCertificate,
            // A server asks every peer for a certificate and lets one without through the handshake, so that the
            // refusal below can name the reason; a client always requires the silo's.
            RemoteCertificateMode = role.IsServer ? RemoteCertificateMode.AllowCertificate : RemoteCertificateMode.RequireCertificate,
            HandshakeTimeout = TlsHandshakeVerdict.HandshakeTimeout,
            RemoteCertificateValidation = (certificate, _, errors) =>
                TlsHandshakeVerdict.Judge(PeerCertificateCheck.Reject(certificate, errors, credentials, peerIsServer: !role.IsServer, role.PeerCertificateRequired)),
        };

        // The certificate context carries the intermediates, which a bare certificate would not send.
        options.OnAuthenticateAsServer = (_, server) =>
        {
            var ssl = (SslServerAuthenticationOptions)server.SslServerAuthenticationOptions;
            ssl.ServerCertificateSelectionCallback = null;
            ssl.ServerCertificate = null;
            ssl.ServerCertificateContext = credentials.Certificate;
        };
        options.OnAuthenticateAsClient = (context, client) =>
        {
            // Silos are reached by IP address; without a configured name, the address is what there is to send.
            client.TargetHost = credentials.TargetHost ?? (context.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "";
            if (credentials.Certificate is { } certificate)
            {
                var ssl = (SslClientAuthenticationOptions)client.SslClientAuthenticationOptions;
                ssl.ClientCertificates = null;
                ssl.ClientCertificateContext = certificate;
            }
        };
        return options;
    }
}
