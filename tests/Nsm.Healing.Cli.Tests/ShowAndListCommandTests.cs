using System.Text.Json;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

[Collection(CliClusterCollection.Name)]
public sealed class ShowAndListCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Show_prints_the_connection_and_its_heal_history()
    {
        var id = await fixture.RequestAsync("show");
        await fixture.Client.GetGrain<IConnectionGrain>(id).HealNow();
        await Eventually.Phase(fixture.Client, id, ConnectionPhase.Up, s => s.History.Count == 1);
        var run = fixture.Cli();

        var exit = await run.RunAsync("show", id);

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var text = run.Output.ToString();
        Assert.Contains($"connection   {id}", text);
        Assert.Contains("phase        Up", text);
        Assert.Contains("heal history (1, oldest first):", text);
        Assert.Contains("Operator", text);
        Assert.Contains("Restore", text);
    }

    [Fact]
    public async Task Show_json_carries_the_history()
    {
        var id = await fixture.RequestAsync("show-json");
        var run = fixture.Cli();

        var exit = await run.RunAsync("show", id, "--json");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        using var json = JsonDocument.Parse(run.Output.ToString());
        Assert.Equal("Up", json.RootElement.GetProperty("phase").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("history").GetArrayLength());
        Assert.StartsWith("nse-1", json.RootElement.GetProperty("endpoint").GetString());
    }

    [Fact]
    public async Task Show_and_show_json_carry_the_labels()
    {
        var id = $"show-labels-{Guid.NewGuid():N}";
        var request = fixture.Cli();
        Assert.True(await request.RunAsync("request", "--nsmgr", fixture.Nsmgr, "--network-service", "ns-1", "--id", id, "--label", "app=web", "--label", "tier=front") == ExitCodes.Ok, request.ToString());

        var text = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await text.RunAsync("show", id));
        var json = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await json.RunAsync("show", id, "--json"));

        Assert.Contains("labels       app=web, tier=front", text.Output.ToString());
        using var document = JsonDocument.Parse(json.Output.ToString());
        var labels = document.RootElement.GetProperty("labels");
        Assert.Equal("web", labels.GetProperty("app").GetString());
        Assert.Equal("front", labels.GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Show_of_an_unknown_id_exits_4()
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("show", $"nobody-{Guid.NewGuid():N}");

        Assert.Equal(ExitCodes.NotFound, exit);
        Assert.Contains("no connection", run.Error.ToString());
    }

    [Fact]
    public async Task List_shows_registered_connections_and_filters_by_phase_and_nsmgr()
    {
        var up = await fixture.RequestAsync("list-up");
        var paused = await fixture.RequestAsync("list-paused");
        await fixture.Client.GetGrain<IConnectionGrain>(paused).Pause("test");

        var all = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await all.RunAsync("list"));
        Assert.Contains(up, all.Output.ToString());
        Assert.Contains(paused, all.Output.ToString());
        Assert.StartsWith("ID", all.Output.ToString());

        var onlyPaused = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await onlyPaused.RunAsync("list", "--phase", "Paused"));
        Assert.Contains(paused, onlyPaused.Output.ToString());
        Assert.DoesNotContain(up, onlyPaused.Output.ToString());

        var otherNsmgr = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await otherNsmgr.RunAsync("list", "--nsmgr", "http://127.0.0.1:1"));
        Assert.Equal("no connections", otherNsmgr.Output.ToString().Trim());

        var json = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await json.RunAsync("list", "--nsmgr", fixture.Nsmgr, "--json"));
        using var document = JsonDocument.Parse(json.Output.ToString());
        Assert.Contains(document.RootElement.EnumerateArray(), row => row.GetProperty("id").GetString() == up && row.GetProperty("phase").GetString() == "Up");

        await fixture.Client.GetGrain<IConnectionGrain>(paused).Resume();
    }

    [Fact]
    public async Task List_with_an_unknown_phase_exits_2()
    {
        var run = fixture.Cli();

        var exit = await run.RunAsync("list", "--phase", "Sleeping");

        Assert.Equal(ExitCodes.Usage, exit);
        Assert.Contains("Sleeping", run.Error.ToString());
    }
}
