using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Messaging;

namespace Nsm.Healing.Client.Tls;

/// <summary>
/// Runs an Orleans connection inside TLS: handshakes on the raw socket pipes, then hands Orleans pipes that read and
/// write through the <see cref="SslStream"/>. A peer that fails the handshake is logged with the reason and closed.
/// </summary>
public sealed class TlsConnectionMiddleware(ClusterTlsCredentials credentials, TlsConnectionRole role, ILogger logger) : IConnectionMiddleware
{
    /// <summary>A peer that opens a socket and never completes the handshake does not hold it open for longer.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    public async Task OnConnectionAsync(ConnectionContext context, ConnectionDelegate next)
    {
        var plain = context.Transport;
        var tls = new SslStream(new DuplexPipeStream(plain), leaveInnerStreamOpen: false);
        try
        {
            await HandshakeAsync(tls, context);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        context.Transport = new EncryptedPipe(
            PipeReader.Create(tls, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(tls, new StreamPipeWriterOptions(leaveOpen: true)));
        try
        {
            await next(context);
        }
        finally
        {
            context.Transport = plain;
            await tls.DisposeAsync();
            // Orleans waits for the socket to close before it disposes the connection; completing the encrypted
            // pipes does not reach the socket, so close it here.
            await plain.Input.CompleteAsync();
            await plain.Output.CompleteAsync();
        }
    }

    private async Task HandshakeAsync(SslStream tls, ConnectionContext context)
    {
        string? rejection = null;
        bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
        {
            rejection = PeerCertificateCheck.Reject(certificate, errors, credentials, peerIsServer: !role.IsServer, role.PeerCertificateRequired);
            return rejection is null;
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.ConnectionClosed);
        deadline.CancelAfter(HandshakeTimeout);
        var remote = context.RemoteEndPoint?.ToString() ?? "(unknown)";
        try
        {
            if (role.IsServer)
            {
                await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificateContext = credentials.Certificate,
                    ClientCertificateRequired = role.PeerCertificateRequired,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = Validate,
                }, deadline.Token);
            }
            else
            {
                await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    // Silos are reached by IP address; without a configured name, the address is what there is to send.
                    TargetHost = credentials.TargetHost ?? (context.RemoteEndPoint as IPEndPoint)?.Address.ToString() ?? "",
                    ClientCertificateContext = credentials.Certificate,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = Validate,
                }, deadline.Token);
            }
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException)
        {
            var reason = rejection is not null ? $"the peer was refused: {rejection}"
                : e is OperationCanceledException ? $"no handshake within {HandshakeTimeout.TotalSeconds:0} s (the peer does not speak TLS?)"
                : $"{e.Message}{(e.InnerException is { } inner ? $" ({inner.Message})" : "")}";
            ClusterTlsLog.HandshakeFailed(logger, role.Name, remote, reason);
            throw new TlsHandshakeException($"TLS handshake on the {role.Name} with {remote} failed: {reason}", e);
        }
    }

    private sealed class EncryptedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
