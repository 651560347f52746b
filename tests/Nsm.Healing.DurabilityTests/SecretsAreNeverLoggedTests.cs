using Nsm.Api;
using System.Net.Http;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.Client;
using Nsm.Healing.Cluster.Tls;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Testing.Tls;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;
using Orleans.Configuration;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>
/// The silo host, run as an operator would with every secret it takes set — a Redis password, a TLS key password, and
/// its SVID from the Workload API with the NSM tokens it signs — logging at Debug: nothing it writes, and nothing
/// /status answers, shows one of them.
/// </summary>
[Trait("Category", "Slow")]
public sealed class SecretsAreNeverLoggedTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string RedisPassword = "redis-pw-3f9a1c0e";
    private const string KeyPassword = "tls-key-pw-b81d0962";
    private static readonly string[] Secrets = [RedisPassword, KeyPassword];
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly TestCertificateAuthority _ca = new();
    private readonly string _clusterId = $"secrets-{Guid.NewGuid():N}";
    private RedisServer _redis = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString + ",allowAdmin=true");
        await admin.GetServers()[0].ConfigSetAsync("requirepass", RedisPassword);
    }

    [Fact]
    public async Task Nothing_the_silo_logs_or_serves_on_status_contains_a_secret()
    {
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 1));
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);
        await using var silo = TestSilos.Start("secrets", SiloPorts.TakeFree(1)[0], Settings(new()
        {
            ["Nsm__Cluster__Redis__ConnectionString"] = RedisConnectionString(RedisPassword),
            ["Nsm__Cluster__Tls__Key"] = key,
            ["Nsm__Cluster__Tls__Certificate"] = certificate,
            ["Logging__LogLevel__Default"] = "Debug",
            ["Logging__LogLevel__Orleans"] = "Debug",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Debug",
        }));
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));

        // Use every secret: Redis at start-up, the SVID and signed tokens on NSMgr requests, the key on a client's TLS connection.
        var tokens = new List<string>();
        using (var client = await ConnectClientAsync())
        {
            var ids = Connections.NewIds("secrets", 2);
            var grains = client.Services.GetRequiredService<IClusterClient>();
            await Connections.RegisterAsync(grains, simulator.NsmgrAddress("nsmgr-1"), ids);
            // What the silo serves carries no token; the NSMgr holds the one the silo signed, in the caller's path segment.
            using var nsc = SecureNscChannel.Create(simulator.NsmgrAddress("nsmgr-1"));
            using var stream = new MonitorConnection.MonitorConnectionClient(nsc.CallInvoker).MonitorConnections(new MonitorScopeSelector());
            Assert.True(await stream.ResponseStream.MoveNext(CancellationToken.None));
            var atNsmgr = stream.ResponseStream.Current.Connections.Values;
            foreach (var id in ids)
            {
                tokens.Add(atNsmgr.Single(connection => connection.Path.PathSegments[0].Id == id).Path.PathSegments[0].Token);
                Assert.Equal("", (await grains.GetGrain<IConnectionGrain>(id).GetState()).Connection!.Path.PathSegments[0].Token);
            }
        }

        var status = await Http.GetStringAsync($"http://127.0.0.1:{silo.Ports.Http}/status");
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));

        output.WriteLine($"{silo.Output.All().Count} lines of output; /status: {status}");
        Assert.True(silo.Output.Contains("Silo and gateway traffic is TLS"), silo.Output.Tail());
        Assert.Contains(simulator.NsmgrAddress("nsmgr-1"), status);
        Assert.All(tokens, token => Assert.NotEmpty(token));
        AssertNoSecretIn(silo.Output.All().Append(status), [.. Secrets, .. tokens, SvidKeyFragment()]);
    }

    /// <summary>A piece of the SVID's private key as PEM would show it.</summary>
    private static string SvidKeyFragment()
    {
        using var key = DevelopmentTrust.WorkloadApi.Current.Certificate.GetECDsaPrivateKey()!;
        return Convert.ToBase64String(key.ExportPkcs8PrivateKey())[^40..];
    }

    [Fact]
    public async Task A_wrong_tls_key_password_stops_the_silo_naming_the_key_not_the_password()
    {
        var (certificate, key) = _ca.IssuePem("silo", KeyPassword);
        await using var silo = TestSilos.Start("wrong-key-password", SiloPorts.TakeFree(1)[0], Settings(new()
        {
            ["Nsm__Cluster__Redis__ConnectionString"] = RedisConnectionString(RedisPassword) + ",bogus=1",
            ["Nsm__Cluster__Tls__Key"] = key,
            ["Nsm__Cluster__Tls__Certificate"] = certificate,
            ["Nsm__Cluster__Tls__Password"] = "not-" + KeyPassword,
        }));

        Assert.Equal(2, await silo.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        output.WriteLine(silo.Output.Tail(10));
        Assert.True(silo.Output.Contains("cannot be decrypted with Nsm:Cluster:Tls:Password (wrong password?)"), silo.Output.Tail());
        Assert.True(silo.Output.Contains("Nsm:Cluster:Redis:ConnectionString is not a valid Redis connection string"), silo.Output.Tail());
        AssertNoSecretIn(silo.Output.All());
    }

    [Fact]
    public async Task A_wrong_redis_password_stops_the_silo_without_showing_it()
    {
        const string wrongPassword = "wrong-redis-pw-0d1e";
        await using var silo = TestSilos.Start("wrong-redis-password", SiloPorts.TakeFree(1)[0], new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__Redis__ConnectionString"] = RedisConnectionString(wrongPassword),
            ["Nsm__Cluster__Redis__ConnectTimeout"] = "00:00:02",
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Nsm__Cluster__ClusterId"] = _clusterId,
        });

        Assert.Equal(1, await silo.WaitForExitAsync(TimeSpan.FromSeconds(20)));

        output.WriteLine(silo.Output.Tail(10));
        Assert.True(silo.Output.Contains($"Redis at 127.0.0.1:{_redis.Port} (from Nsm:Cluster:Redis:ConnectionString) is unreachable or refused"), silo.Output.Tail());
        Assert.DoesNotContain(silo.Output.All(), line => line.Contains(wrongPassword, StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        await _redis.DisposeAsync();
        _ca.Dispose();
    }

    private static void AssertNoSecretIn(IEnumerable<string> lines, IReadOnlyList<string>? secrets = null)
    {
        foreach (var line in lines)
        {
            foreach (var secret in secrets ?? Secrets)
            {
                Assert.False(line.Contains(secret, StringComparison.Ordinal), $"a secret was written: {line}");
            }
        }
    }

    private string RedisConnectionString(string password) => $"127.0.0.1:{_redis.Port},password={password}";

    /// <summary>A Redis-profile silo with TLS, the NSMgr token and the TLS key password set, plus <paramref name="extra"/>.</summary>
    private Dictionary<string, string> Settings(Dictionary<string, string> extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Nsm__Cluster__ClusterId"] = _clusterId,
            ["Nsm__Cluster__ServiceId"] = _clusterId,
            ["Nsm__Cluster__Tls__Enabled"] = "true",
            ["Nsm__Cluster__Tls__Password"] = KeyPassword,
            ["Nsm__Cluster__Tls__CaCertificate"] = _ca.CaPath,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private async Task<IHost> ConnectClientAsync()
    {
        var (certificate, key) = _ca.IssuePem("nsc");
        var host = new HostBuilder()
            .UseOrleansClient(client => client
                .UseRedisClustering(RedisConnectionString(RedisPassword))
                .Configure<ClusterOptions>(options =>
                {
                    options.ClusterId = _clusterId;
                    options.ServiceId = _clusterId;
                })
                .UseClusterTls(new ClusterTlsOptions { Enabled = true, Certificate = certificate, Key = key, CaCertificate = _ca.CaPath }))
            .Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(deadline.Token);
        return host;
    }
}
