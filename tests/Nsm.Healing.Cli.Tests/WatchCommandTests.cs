using System.Text.Json;
using Nsm.Healing.Cli.Tests.Support;

namespace Nsm.Healing.Cli.Tests;

[Collection(CliClusterCollection.Name)]
public sealed class WatchCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Watch_one_connection_prints_each_change_and_ends_when_it_closes()
    {
        var id = await fixture.RequestAsync("watch");
        var endpoint = (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Endpoint!;
        var run = fixture.Cli();
        using var deadline = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watching = run.RunAsync(deadline.Token, "watch", id);
        await Eventually.True(() => run.Output.ToString().Contains($"{id}: Up at {endpoint}"), () => run.ToString());

        fixture.Simulator.Faults.KillForwarder(fixture.Simulator.WiringOf(id)!.Forwarders[0]);
        await Eventually.True(() => run.Output.ToString().Contains("Healed: Reselect"), () => run.ToString());
        await fixture.Client.GetGrain<IConnectionGrain>(id).Close();

        Assert.Equal(ExitCodes.Ok, await watching);
        var text = run.Output.ToString();
        Assert.Contains("endpoint " + endpoint + " -> ", text);
        Assert.Contains("-> Closed", text);
        fixture.Simulator.Faults.RestartForwarder(fixture.Simulator.Topology.Nodes[0].Forwarders[0]);
    }

    [Fact]
    public async Task Watch_all_polls_every_connection_and_prints_changes_until_interrupted()
    {
        var id = await fixture.RequestAsync("watch-all");
        var run = fixture.Cli();
        using var stop = new CancellationTokenSource(Eventually.DefaultTimeout);
        var watching = run.RunAsync(stop.Token, "watch", "--interval", "100ms", "--json");
        await Eventually.True(() => run.Output.ToString().Contains(id), () => run.ToString());

        await fixture.Client.GetGrain<IConnectionGrain>(id).Pause("watch me");
        await Eventually.True(() => Lines(run).Any(line => line.Contains(id) && line.Contains("\"Paused\"")), () => run.ToString());
        await stop.CancelAsync();

        Assert.Equal(ExitCodes.Ok, await watching);
        foreach (var line in Lines(run))
        {
            using var document = JsonDocument.Parse(line);
            Assert.True(document.RootElement.TryGetProperty("phase", out _));
        }

        await fixture.Client.GetGrain<IConnectionGrain>(id).Close();
    }

    [Fact]
    public async Task Watch_of_an_unknown_id_exits_4()
    {
        var run = fixture.Cli();

        Assert.Equal(ExitCodes.NotFound, await run.RunAsync("watch", $"nobody-{Guid.NewGuid():N}"));
    }

    private static IEnumerable<string> Lines(CliRun run) =>
        run.Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
