using System.Text.Json;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

[Collection(CliClusterCollection.Name)]
public sealed class RequestCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Request_registers_the_connection_with_labels_mechanism_and_policy()
    {
        var id = $"request-{Guid.NewGuid():N}";
        var run = fixture.Cli();

        var exit = await run.RunAsync("request", "--nsmgr", fixture.Nsmgr, "--network-service", "ns-1", "--id", id, "--client-name", "my-nsc",
            "--mechanism", "LOCAL/MEMIF", "--label", "app=web", "--label", "tier=front", "--max-attempts", "7", "--heal-deadline", "2m",
            "--first-retry-delay", "50ms", "--on-unknown-data-plane", "Restore", "--json");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        using var json = JsonDocument.Parse(run.Output.ToString());
        Assert.Equal(id, json.RootElement.GetProperty("id").GetString());
        Assert.Equal("Up", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal("my-nsc", json.RootElement.GetProperty("path")[0].GetString());
        var wiring = fixture.Simulator.WiringOf(id);
        Assert.NotNull(wiring);
        var state = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        Assert.Equal("web", state.Connection!.Labels["app"]);
        Assert.Equal("front", state.Connection.Labels["tier"]);
        Assert.Equal("MEMIF", state.Connection.Mechanism.Type);
    }

    [Fact]
    public async Task Request_accepts_the_tcp_address_nsm_writes_and_list_finds_it_under_any_spelling()
    {
        var port = new Uri(fixture.Nsmgr).Port;
        var id = $"request-tcp-{Guid.NewGuid():N}";
        var request = fixture.Cli();

        var exit = await request.RunAsync("request", "--nsmgr", $"tcp://127.0.0.1:{port}", "--network-service", "ns-1", "--id", id);

        Assert.True(exit == ExitCodes.Ok, request.ToString());
        // tcp:// is the h2c spelling of http://; with identity on the silo dials it over mTLS all the same.
        Assert.Equal($"http://127.0.0.1:{port}", (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).NsmgrAddress);
        var list = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await list.RunAsync("list", "--nsmgr", $"HTTP://127.0.0.1:{port}/"));
        Assert.Contains(id, list.Output.ToString());
        await fixture.Client.GetGrain<IConnectionGrain>(id).Close();
    }

    [Fact]
    public async Task Request_the_nsmgr_refuses_exits_1_with_its_status()
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("request", "--nsmgr", fixture.Nsmgr, "--network-service", "no-such-service");

        Assert.Equal(ExitCodes.Failed, exit);
        Assert.Contains("NotFound", run.Error.ToString());
    }

    [Theory]
    [InlineData("--first-retry-delay", "0s", "--first-retry-delay must be more than 0")]
    [InlineData("--max-attempts", "-1", "--max-attempts must be 0 (no limit) or positive")]
    [InlineData("--heal-deadline", "soon", "--heal-deadline must be a duration")]
    [InlineData("--label", "novalue", "--label must be key=value")]
    [InlineData("--mechanism", "A/B/C", "--mechanism must be TYPE or CLS/TYPE")]
    [InlineData("--on-unknown-data-plane", "Maybe", "--on-unknown-data-plane")]
    public async Task Request_with_a_bad_value_exits_2_naming_it(string option, string value, string message)
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("request", "--nsmgr", fixture.Nsmgr, "--network-service", "ns-1", option, value);

        Assert.True(exit == ExitCodes.Usage, run.ToString());
        Assert.Contains(message, run.Error.ToString());
    }

    [Fact]
    public async Task Request_with_a_bad_nsmgr_address_exits_2_naming_the_field()
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("request", "--nsmgr", "ftp://nowhere", "--network-service", "ns-1");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--nsmgr scheme 'ftp' is not supported", run.Error.ToString());
    }

    [Fact]
    public async Task Request_without_its_required_options_exits_2()
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("request", "--nsmgr", fixture.Nsmgr);

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("--network-service", run.Error.ToString());
    }
}
