using System.Net;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>The deploy/ setup in small: Redis speaks TLS only, with a certificate from the cluster's own CA.</summary>
[Trait("Category", "Slow")]
public sealed class RedisTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync(tls: true);

    [Fact]
    public async Task A_silo_trusting_the_private_ca_joins_through_tls_only_redis()
    {
        await using var silo = TestSilos.Start("tls", SiloPorts.TakeFree(1)[0], Settings(("Nsm__Cluster__Redis__CaCertificate", _redis.Tls!.CaCertificate)));

        await silo.WaitReadyAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, await silo.ProbeAsync("/healthz/ready"));
    }

    [Fact]
    public async Task A_silo_that_does_not_trust_the_ca_stops_with_exit_code_1()
    {
        await using var silo = TestSilos.Start("tls-untrusted", SiloPorts.TakeFree(1)[0], Settings());

        var exitCode = await silo.WaitForExitAsync(TimeSpan.FromSeconds(20));

        output.WriteLine(silo.Output.Tail(5));
        Assert.Equal(1, exitCode);
        Assert.True(silo.Output.Contains("UntrustedRoot"), silo.Output.Tail());
    }

    private Dictionary<string, string> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__Redis__ConnectionString"] = _redis.ConnectionString,
            ["Nsm__Cluster__Redis__ConnectTimeout"] = "00:00:02",
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
            ["Nsm__Cluster__ClusterId"] = $"tls-{Guid.NewGuid():N}",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();
}
