using System.Diagnostics;
using System.Net;
using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>How the real host starts, refuses to start, and stops, as an operator sees it from outside the process.</summary>
[Trait("Category", "Slow")]
public sealed class SiloStartupTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Unreachable_redis_stops_the_silo_within_seconds_with_exit_code_1()
    {
        var nobodyListens = FreePorts.Take(1)[0];
        await using var silo = TestSilos.Start("no-redis", SiloPorts.TakeFree(1)[0], new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__Redis__ConnectionString"] = $"127.0.0.1:{nobodyListens}",
            ["Nsm__Cluster__Redis__ConnectTimeout"] = "00:00:02",
            ["Nsm__Cluster__AdvertisedAddress"] = "127.0.0.1",
        });
        var started = Stopwatch.StartNew();

        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        output.WriteLine($"exited {exitCode} after {started.Elapsed.TotalSeconds:F1} s\n{silo.Output.Tail(10)}");
        Assert.Equal(1, exitCode);
        Assert.True(silo.Output.Contains(
            $"Redis at 127.0.0.1:{nobodyListens} (from Nsm:Cluster:Redis:ConnectionString) is unreachable or refused the connection (connect timeout 00:00:02)"),
            silo.Output.Tail());
    }

    [Fact]
    public async Task Invalid_configuration_exits_2_naming_every_bad_key()
    {
        await using var silo = TestSilos.Start("misconfigured", SiloPorts.TakeFree(1)[0], new Dictionary<string, string>
        {
            ["Nsm__Cluster__Profile"] = "Redis",
            ["Nsm__Cluster__FailureDetection__ProbeTimeout"] = "00:00:00",
            ["Nsm__Cluster__ShutdownTimout"] = "00:00:10",
            ["Nsm__Nsmgr__AllowedAddresses__0"] = "10.0.0.1:5001",
            ["Nsm__Monitor__BatchSize"] = "0",
        });

        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        output.WriteLine(silo.Output.Tail(10));
        Assert.Equal(2, exitCode);
        Assert.True(silo.Output.Contains("Nsm:Cluster:Redis:ConnectionString (or ConnectionStrings:redis) is required by the Redis profile"), silo.Output.Tail());
        Assert.True(silo.Output.Contains("Nsm:Cluster:FailureDetection:ProbeTimeout must be positive"), silo.Output.Tail());
        Assert.True(silo.Output.Contains("Nsm:Cluster:ShutdownTimout is not a setting"), silo.Output.Tail());
        Assert.True(silo.Output.Contains("Nsm:Nsmgr:AllowedAddresses:0 must start with http://, https://, tcp:// or unix:// (was '10.0.0.1:5001')"), silo.Output.Tail());
        Assert.True(silo.Output.Contains("Nsm:Monitor:BatchSize must be at least 1 (was 0)"), silo.Output.Tail());
        Assert.False(silo.Output.Contains("   at "), "a stack trace instead of the problems:\n" + silo.Output.Tail());
    }

    [Fact]
    public async Task Development_profile_says_state_is_not_durable_serves_probes_and_stops_gracefully_on_sigterm()
    {
        var ports = SiloPorts.TakeFree(1)[0];
        await using var silo = TestSilos.Start("development", ports, new Dictionary<string, string>());
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, await silo.ProbeAsync("/healthz/live"));
        Assert.True(silo.Output.Contains("are NOT durable"), silo.Output.Tail());

        silo.Terminate();
        var exitCode = await silo.WaitForExitAsync(ExitTimeout);

        output.WriteLine(silo.Output.Tail(10));
        Assert.Equal(0, exitCode);
        Assert.True(silo.Output.Contains("Orleans Silo stopped."), silo.Output.Tail());
    }

    [Fact]
    public async Task A_silo_given_a_port_another_silo_holds_exits_3_naming_the_key_and_the_first_silo_stays_ready()
    {
        var ports = SiloPorts.TakeFree(2);
        var (first, free) = (ports[0], ports[1]);
        await using var running = TestSilos.Start("running", first, new Dictionary<string, string>());
        await running.WaitReadyAsync(TimeSpan.FromSeconds(60));

        foreach (var (key, clash) in new[]
        {
            ("SiloPort", free with { Silo = first.Silo }),
            ("GatewayPort", free with { Gateway = first.Gateway }),
            ("HttpPort", free with { Http = first.Http }),
        })
        {
            await using var second = TestSilos.Start($"clash-{key}", clash, new Dictionary<string, string>
            {
                ["Nsm__Cluster__PrimarySiloEndpoint"] = $"127.0.0.1:{first.Silo}",
            });

            var exitCode = await second.WaitForExitAsync(ExitTimeout);

            output.WriteLine($"{key}: exit {exitCode}\n{second.Output.Tail(5)}");
            Assert.Equal(3, exitCode);
            var taken = key switch { "SiloPort" => first.Silo, "GatewayPort" => first.Gateway, _ => first.Http };
            Assert.True(second.Output.Contains($"Nsm:Cluster:{key} {taken} on 127.0.0.1 is already in use"), second.Output.Tail());
            Assert.Equal(HttpStatusCode.OK, await running.ProbeAsync("/healthz/ready"));
        }
    }

    [Theory]
    [InlineData(null, "127.0.0.1")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    public async Task The_http_port_listens_on_loopback_by_default_in_development_and_on_the_address_configured(string? bindAddress, string listening)
    {
        var ports = SiloPorts.TakeFree(1)[0];
        var settings = new Dictionary<string, string>();
        if (bindAddress is not null)
        {
            settings["Nsm__Cluster__HttpBindAddress"] = bindAddress;
        }

        await using var silo = TestSilos.Start("http-bind", ports, settings);
        await silo.WaitReadyAsync(TimeSpan.FromSeconds(60));

        Assert.True(silo.Output.Contains($"Now listening on: http://{listening}:{ports.Http}"), silo.Output.Tail());
    }
}
