namespace Nsm.Healing.Silo.Logging;

/// <summary>Structured log events of the silo host. Event names are stable: alert on them.</summary>
internal static partial class SiloLog
{
    [LoggerMessage(EventId = 3001, EventName = "SiloStarting", Level = LogLevel.Information,
        Message = "Starting silo of cluster {ClusterId} (service {ServiceId}), profile {Profile}: silo port {SiloPort}, gateway port {GatewayPort}, health on HTTP port {HttpPort}")]
    public static partial void SiloStarting(ILogger logger, string clusterId, string serviceId, string profile, int siloPort, int gatewayPort, int httpPort);

    [LoggerMessage(EventId = 3002, EventName = "StateNotDurable", Level = LogLevel.Warning,
        Message = "Development profile: connection state and heal reminders live in silo memory and are NOT durable; " +
                  "losing the silos loses every registered connection. Set Nsm:Cluster:Profile=Redis for a durable cluster.")]
    public static partial void StateNotDurable(ILogger logger);

    [LoggerMessage(EventId = 3003, EventName = "RedisSettingIgnored", Level = LogLevel.Warning,
        Message = "A Redis connection string is configured ({Key}) but the Development profile does not use it; set Nsm:Cluster:Profile=Redis to use it")]
    public static partial void RedisSettingIgnored(ILogger logger, string key);

    [LoggerMessage(EventId = 3004, EventName = "RedisConnected", Level = LogLevel.Information,
        Message = "Redis at {Endpoints} answered in {Elapsed}")]
    public static partial void RedisConnected(ILogger logger, string endpoints, TimeSpan elapsed);

    [LoggerMessage(EventId = 3005, EventName = "RedisUnreachable", Level = LogLevel.Critical,
        Message = "The silo cannot start: {Reason}")]
    public static partial void RedisUnreachable(ILogger logger, string reason);

    [LoggerMessage(EventId = 3006, EventName = "InvalidOptions", Level = LogLevel.Critical,
        Message = "The silo cannot start: invalid configuration: {Problems}")]
    public static partial void InvalidOptions(ILogger logger, string problems);

    [LoggerMessage(EventId = 3007, EventName = "ClusterTlsEnabled", Level = LogLevel.Information,
        Message = "Silo and gateway traffic is TLS: certificate {Certificate}, peers trusted by {TrustedBy}, gateway client certificates {ClientCertificates}")]
    public static partial void ClusterTlsEnabled(ILogger logger, string certificate, string trustedBy, string clientCertificates);

    [LoggerMessage(EventId = 3008, EventName = "KubernetesHosting", Level = LogLevel.Information,
        Message = "Running in a Kubernetes pod: Kubernetes hosting is on (silo named after its pod; a deleted pod's silo is declared dead). Nsm:Cluster:KubernetesHosting=Off turns it off")]
    public static partial void KubernetesHosting(ILogger logger);
}
