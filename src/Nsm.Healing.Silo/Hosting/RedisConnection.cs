using Nsm.Healing.Silo.Configuration;
using StackExchange.Redis;

namespace Nsm.Healing.Silo.Hosting;

/// <summary>
/// The silo's one Redis connection, shared by clustering, grain storage and reminders. Opened (or found
/// unreachable) by <see cref="RedisStartupCheck"/> before the silo starts; reconnects by itself afterwards.
/// </summary>
internal sealed class RedisConnection(RedisConnectionOptions options) : IAsyncDisposable
{
    private readonly Lazy<Task<ConnectionMultiplexer>> _connect = new(() => ConnectionMultiplexer.ConnectAsync(Configure(options)));

    public RedisConnectionOptions Options => options;

    /// <summary>The client configuration; Orleans' Redis providers insist on one even though they use the shared connection.</summary>
    public ConfigurationOptions Configuration { get; } = Configure(options);

    /// <summary>host:port of each Redis endpoint, for logs and errors (never the password).</summary>
    public string Endpoints => string.Join(",", Configuration.EndPoints);

    public async Task<IConnectionMultiplexer> ConnectAsync() => await _connect.Value;

    /// <summary>For an Orleans Redis provider's CreateMultiplexer: "shared" tells it not to dispose the connection.</summary>
    public async Task<(IConnectionMultiplexer Multiplexer, bool IsShared)> ShareAsync() => (await ConnectAsync(), true);

    public static ConfigurationOptions Configure(RedisConnectionOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.ConnectionString!);
        configuration.ConnectTimeout = (int)options.ConnectTimeout.TotalMilliseconds;
        // One attempt that fails with its reason (refused, timed out, untrusted certificate) rather than retries in
        // the background: start-up turns it into a clear error. Once connected, the client reconnects on its own.
        configuration.AbortOnConnectFail = true;
        configuration.ConnectRetry = 1;
        configuration.ClientName ??= "nsm-healing-silo";
        if (options.CaCertificate is { } caCertificate)
        {
            configuration.TrustIssuer(caCertificate);
        }

        if (options.ClientCertificate is { } clientCertificate)
        {
            configuration.SetUserPemCertificate(clientCertificate, options.ClientKey);
        }

        return configuration;
    }

    public async ValueTask DisposeAsync()
    {
        if (_connect.IsValueCreated && _connect.Value.IsCompletedSuccessfully)
        {
            await _connect.Value.Result.DisposeAsync();
        }
    }
}
