using System.IO;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Nsm.Identity;

/// <summary>
/// The client half of NSM's mTLS: present an SVID, accept a server of our trust domain (optionally on an allow-list),
/// negotiate h2. Used by HTTP handlers (<see cref="Options"/>) and to learn an NSMgr's identity before the first call
/// (<see cref="AuthenticateAsync"/>), since a token's aud must name it before the call's headers are written.
/// </summary>
public static class SpiffeTlsClient
{
    /// <param name="svid">The SVID to present, read at each handshake (a rotation applies to new connections).</param>
    /// <param name="accepted">Called with each server accepted, so the caller knows whom a connection reaches.</param>
    /// <param name="refused">Called with why a server was refused: the handshake's own error does not say.</param>
    public static SslClientAuthenticationOptions Options(
        Func<X509Svid> svid, IReadOnlyCollection<string>? allowedServers, Action<SpiffePeer>? accepted, Action<string>? refused = null) => new()
    {
        ApplicationProtocols = [SslApplicationProtocol.Http2],
        LocalCertificateSelectionCallback = (_, _, _, _, _) => svid().Certificate,
        RemoteCertificateValidationCallback = (_, certificate, chain, _) =>
        {
            var server = certificate as X509Certificate2;
            if (SpiffeTrust.Authenticate(server, chain, svid(), allowedServers, out var problem) is not { } id)
            {
                refused?.Invoke(problem);
                return false;
            }

            // The callback's certificate may be disposed with the chain; keep a copy for the connection's lifetime.
            accepted?.Invoke(new SpiffePeer(X509CertificateLoader.LoadCertificate(server!.RawData), id));
            return true;
        },
    };

    /// <summary>One handshake over <paramref name="transport"/>, naming the reason when either side refuses.</summary>
    /// <exception cref="AuthenticationException">The server was refused, or refused us; the message says which and why.</exception>
    public static async Task<(SslStream Stream, SpiffePeer Peer)> AuthenticateAsync(
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

        var peer = X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
        return (tls, new SpiffePeer(peer, serverId!));
    }
}

/// <summary>Who is on the other end of an authenticated connection: its certificate and the SPIFFE ID it names.</summary>
public sealed record SpiffePeer(X509Certificate2 Certificate, SpiffeId Id);
