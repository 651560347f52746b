namespace Nsm.Healing.Silo.Configuration;

/// <summary>The Redis the Redis profile keeps membership, grain state and reminders in. Section "Nsm:Cluster:Redis".</summary>
public sealed class RedisConnectionOptions
{
    public const string Section = HealingSiloOptions.Section + ":Redis";

    public const string ConnectionStringKey = Section + ":" + nameof(ConnectionString);

    /// <summary>The conventional place hosting platforms put a connection string; used when <see cref="ConnectionString"/> is empty.</summary>
    public const string FallbackConnectionStringKey = "ConnectionStrings:redis";

    /// <summary>A StackExchange.Redis connection string, e.g. "redis-0.redis:6379,password=…,ssl=true".</summary>
    public string? ConnectionString { get; set; }

    /// <summary>How long the start-up connection to Redis may take; when it fails the silo exits with the reason instead of hanging.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>PEM file of the CA that signed Redis' TLS certificate, when it is not in the system trust store.</summary>
    public string? CaCertificate { get; set; }

    /// <summary>PEM client certificate for Redis servers that require mutual TLS; needs <see cref="ClientKey"/>.</summary>
    public string? ClientCertificate { get; set; }

    /// <summary>PEM private key of <see cref="ClientCertificate"/>.</summary>
    public string? ClientKey { get; set; }

    /// <summary>The key the connection string was read from, for error messages. Set by <see cref="SiloConfiguration"/>.</summary>
    public string ConnectionStringSource { get; internal set; } = ConnectionStringKey;
}
