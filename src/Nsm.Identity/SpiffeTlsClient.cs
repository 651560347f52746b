using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>
/// The client half of NSM's mTLS over any stream (TCP or a unix socket): present the current SVID, accept a server of
/// our trust domain (optionally on an allow-list), and negotiate h2 so gRPC can run over the result with prior knowledge.
/// </summary>
public static class SpiffeTlsClient
{
    /// <returns>The encrypted stream and the server's certificate (for the token's <c>aud</c>, expiry and the answer check).</returns>
    /// <exception cref="AuthenticationException">The server was refused, or refused us; the message says which and why.</exception>
    public static async Task<SpiffePeerStream> AuthenticateAsync(
        Stream transport, X509Svid own, IReadOnlyCollection<string>? allowedServers, CancellationToken cancellationToken)
    {
        var refusal = string.Empty;
        SpiffeId? serverId = null;
        var tls = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                // SNI only; SPIFFE authenticates by the URI SAN, never by host name.
                TargetHost = "nsmgr",
                ApplicationProtocols = [SslApplicationProtocol.Http2],
                ClientCertificateContext = SslStreamCertificateContext.Create(own.Certificate, own.Intermediates, offline: true),
                RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
                {
                    serverId = SpiffeTrust.Authenticate(certificate as X509Certificate2, chain, own, allowedServers, out refusal);
                    return serverId is not null;
                },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationException e)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new AuthenticationException(refusal.Length > 0 ? $"mTLS refused the NSMgr: {refusal}" : $"mTLS handshake failed: {e.Message}", e);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        // The callback's certificate may be disposed with the chain; keep our own copy for the connection's lifetime.
        var peer = X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
        return new SpiffePeerStream(tls, peer, serverId!);
    }
}

/// <summary>An authenticated TLS stream and who is on the other end.</summary>
public sealed record SpiffePeerStream(SslStream Stream, X509Certificate2 PeerCertificate, SpiffeId PeerId);
