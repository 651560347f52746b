using Nsm.Healing.Cluster;
using Nsm.Healing.Silo.Logging;
using StackExchange.Redis;

namespace Nsm.Healing.Silo.Hosting;

/// <summary>
/// Connects to Redis and pings it before the silo starts (the "starting" phase runs before any hosted
/// service's start), so an unreachable Redis stops start-up within the connect timeout, with the endpoint and
/// the key to fix in the message, instead of stalling the silo's join. Kubernetes then restarts the pod with backoff.
/// </summary>
internal sealed class RedisStartupCheck(RedisConnection redis, TimeProvider time, ILogger<RedisStartupCheck> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken cancellationToken)
    {
        var timeout = redis.Options.ConnectTimeout;
        // The client gives up after the connect timeout with the reason; this deadline only guards against a hang.
        var deadline = timeout * 2;
        var started = time.GetTimestamp();
        try
        {
            var connection = await redis.ConnectAsync().WaitAsync(deadline, time, cancellationToken);
            await connection.GetDatabase().PingAsync().WaitAsync(deadline, time, cancellationToken);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            // The client's message may quote its configuration, and with it the password.
            throw new RedisUnreachableException(
                $"Redis at {redis.Endpoints} (from {redis.Options.ConnectionStringSource}) is unreachable or refused the connection (connect timeout {timeout}): {SecretRedaction.RedisConnectionString(e.Message)}", e);
        }

        SiloLog.RedisConnected(logger, redis.Endpoints, time.GetElapsedTime(started));
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
