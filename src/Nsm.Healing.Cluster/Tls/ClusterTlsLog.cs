using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Cluster.Tls;

/// <summary>Log events of TLS on cluster connections. Event names are stable: alert on them.</summary>
internal static partial class ClusterTlsLog
{
    [LoggerMessage(EventId = 3101, EventName = "TlsHandshakeFailed", Level = LogLevel.Warning,
        Message = "TLS handshake on the {Side} with {Remote} failed; connection closed: {Reason}")]
    public static partial void HandshakeFailed(ILogger logger, string side, string remote, string reason);
}
