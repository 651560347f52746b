using Nsm.Healing.Cluster;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>Which cluster to reach and how, mirroring the silo's "Nsm:Cluster" keys.</summary>
public sealed record ClusterTarget
{
    public ClusterProfileName Profile { get; init; } = ClusterProfileName.Development;

    /// <summary>Development profile: the silos' gateway ports on this machine.</summary>
    public IReadOnlyList<int> GatewayPorts { get; init; } = [30000];

    /// <summary>Redis profile: the StackExchange.Redis connection string of the membership table.</summary>
    public string? RedisConnectionString { get; init; }

    public string ClusterId { get; init; } = "nsm-healing";

    public string ServiceId { get; init; } = "nsm-healing";

    /// <summary>How long to try reaching a gateway before giving up with exit code 3.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS to the gateways; null: plain TCP.</summary>
    public ClusterTlsTarget? Tls { get; init; }

    /// <summary>For messages: the Redis password is masked.</summary>
    public string Describe() => (Profile == ClusterProfileName.Redis
        ? $"cluster '{ClusterId}' through Redis at {SecretRedaction.RedisConnectionString(RedisConnectionString ?? "")}"
        : $"cluster '{ClusterId}' through localhost gateway port(s) {string.Join(", ", GatewayPorts)}") + (Tls is null ? "" : " over TLS");

    /// <summary>The generated one would print the Redis and TLS passwords.</summary>
    public override string ToString() => $"{Describe()}{(Tls is null ? "" : $": {Tls}")} (service '{ServiceId}', connect timeout {ConnectTimeout})";
}

/// <summary>The silo's cluster profiles, as the CLI names them.</summary>
public enum ClusterProfileName
{
    Development,
    Redis,
}
