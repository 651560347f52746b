using System.Text.Json;
using Grpc.Core;
using Nsm.Healing.Cli.Tests.Support;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.Cli.Tests;

/// <summary>Force operations and the blast radius, against the simulator over real sockets.</summary>
[Collection(CliClusterCollection.Name)]
public sealed class ForceAndTopCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Heal_reselect_with_a_reason_moves_once_and_records_the_reason()
    {
        var id = await fixture.RequestAsync("force-reselect");
        var before = (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Endpoint;
        var run = fixture.Cli();

        var exit = await run.RunAsync("heal", id, "--reselect", "--reason", "NSE drains tonight", "--wait", "--timeout", "20s");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var state = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        Assert.NotEqual(before, state.Endpoint);
        var action = Assert.Single(state.OperatorActions);
        Assert.Equal((OperatorActionKind.Reselect, "NSE drains tonight"), (action.Kind, action.Reason));
        var records = fixture.Simulator.Records;
        var accepted = records.Requests(id).Where(r => r.Outcome == StatusCode.OK).ToList();
        Assert.Equal([false, true], accepted.Select(r => r.Reselect));
        Assert.Single(records.Closes(id, reason: CloseReason.Client), close => close.Endpoint == before);
        Assert.Empty(records.Duplicates(id));
        Assert.Contains("operator actions (1, oldest first):", run.Output.ToString());
        Assert.Contains("NSE drains tonight", run.Output.ToString());
    }

    [Fact]
    public async Task Close_force_ends_closed_when_the_nsmgr_does_not_confirm_and_says_so()
    {
        var id = await fixture.RequestAsync("force-close");
        var run = fixture.Cli();
        fixture.Simulator.Faults.StopNsmgr("nsmgr-1");
        int exit;
        try
        {
            exit = await run.RunAsync("close", id, "--force", "--reason", "NSMgr decommissioned");
        }
        finally
        {
            fixture.Simulator.Faults.StartNsmgr("nsmgr-1");
        }

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        Assert.StartsWith($"{id}: Closed (forced) (force-closed by an operator: NSMgr decommissioned; forced: the NSMgr did not confirm the Close", run.Output.ToString().Trim());
        var state = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        Assert.True(state.CloseForced);
        var action = Assert.Single(state.OperatorActions);
        Assert.Equal((OperatorActionKind.ForceClose, "NSMgr decommissioned"), (action.Kind, action.Reason));
        Assert.NotNull(action.Outcome);
        // One Close went out, and the stopped NSMgr refused it: nothing confirmed it.
        Assert.Equal(StatusCode.Unavailable, Assert.Single(fixture.Simulator.Records.Closes(id)).Outcome);
    }

    [Fact]
    public async Task Top_shows_each_nsmgr_forwarder_and_nse_with_its_connections()
    {
        var id = await fixture.RequestAsync("top");
        var wiring = fixture.Simulator.WiringOf(id)!;
        JsonElement nse = default;

        await Eventually.True(async () =>
        {
            var json = fixture.Cli();
            Assert.Equal(ExitCodes.Ok, await json.RunAsync("top", "--json"));
            var rows = JsonDocument.Parse(json.Output.ToString()).RootElement.GetProperty("rows").EnumerateArray().ToList();
            nse = rows.FirstOrDefault(row => row.GetProperty("kind").GetString() == "Nse" && row.GetProperty("name").GetString() == wiring.Endpoint);
            return nse.ValueKind == JsonValueKind.Object
                && rows.Any(row => row.GetProperty("kind").GetString() == "Forwarder" && row.GetProperty("name").GetString() == wiring.Forwarders[0])
                && rows.Any(row => row.GetProperty("kind").GetString() == "Nsmgr" && row.GetProperty("name").GetString() == fixture.Nsmgr);
        }, "top lists the connection's NSMgr, forwarder and NSE");

        Assert.True(nse.GetProperty("connections").GetInt32() >= 1);
        Assert.True(nse.GetProperty("phases").GetProperty("Up").GetInt32() >= 1);
        Assert.Equal(0, nse.GetProperty("orphans").GetInt32());
        Assert.False(nse.GetProperty("quarantined").GetBoolean());

        var text = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await text.RunAsync("top"));
        var lines = text.Output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(@"^1 silo\(s\) reporting, as of \d\d:\d\d:\d\d$", lines[0]);
        Assert.Equal("KIND       NAME", lines[1][..15]);
        Assert.Contains(lines, line => line.StartsWith("Nse ", StringComparison.Ordinal) && line.Contains(wiring.Endpoint, StringComparison.Ordinal) && line.Contains("Up=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Quarantine_list_says_nothing_is_quarantined_and_lifting_what_is_not_exits_1()
    {
        var list = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await list.RunAsync("quarantine", "list"));
        Assert.Equal("nothing quarantined", list.Output.ToString().Trim());

        var lift = fixture.Cli();
        Assert.Equal(ExitCodes.Failed, await lift.RunAsync("quarantine", "lift", "nse", "nse-1a", "--reason", "test"));
        Assert.Contains("Nse 'nse-1a' is not quarantined", lift.Error.ToString());
    }
}
