using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Orleans.Connections.Security;

namespace Nsm.Healing.Cluster.Tls;

/// <summary>
/// What became of one connection's TLS handshake. Orleans' TLS middleware closes a refused connection without saying why;
/// this follows the handshake around it (the certificate callback runs inside it, on the same async flow) and logs the reason.
/// </summary>
internal sealed class TlsHandshakeVerdict
{
    /// <summary>A peer that opens a socket and never completes the handshake does not hold it open for longer.</summary>
    public static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private static readonly AsyncLocal<TlsHandshakeVerdict?> Current = new();

    private string? _rejection;
    private bool _admitted;

    /// <summary>Outside the TLS middleware: runs the connection and, when the handshake did not admit it, logs why.</summary>
    public static async Task TrackAsync(ConnectionContext context, ConnectionDelegate next, TlsConnectionRole role, ILogger logger)
    {
        var verdict = new TlsHandshakeVerdict();
        Current.Value = verdict;
        await next(context);
        if (!verdict._admitted)
        {
            var reason = verdict._rejection is { } rejection
                ? $"the peer was refused: {rejection}"
                : $"no TLS handshake completed within {HandshakeTimeout.TotalSeconds:0} s (the peer does not speak TLS, or closed the connection)";
            ClusterTlsLog.HandshakeFailed(logger, role.Name, context.RemoteEndPoint?.ToString() ?? "(unknown)", reason);
        }
    }

    /// <summary>The certificate callback's answer, with the reason kept for the log when it refuses.</summary>
    public static bool Judge(string? rejection)
    {
        if (rejection is not null && Current.Value is { } verdict)
        {
            verdict._rejection = rejection;
        }

        return rejection is null;
    }

    /// <summary>Inside the TLS middleware, once the handshake is done: refuses a peer without a required certificate.</summary>
    public static Task AdmitAsync(ConnectionContext context, ConnectionDelegate next, TlsConnectionRole role)
    {
        var verdict = Current.Value;
        if (role.PeerCertificateRequired && context.Features.Get<ITlsConnectionFeature>()?.RemoteCertificate is null)
        {
            verdict?._rejection = "it presented no certificate";
            context.Abort(new ConnectionAbortedException("the peer presented no TLS certificate"));
            return Task.CompletedTask;
        }

        verdict?._admitted = true;
        return next(context);
    }
}
