using Nsm.Healing.Cli.Tests.Support;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.Cli.Tests;

[Collection(CliClusterCollection.Name)]
public sealed class HealAndCloseCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Heal_wait_restores_the_same_endpoint_and_prints_the_heal()
    {
        var id = await fixture.RequestAsync("heal");
        var endpoint = (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Endpoint;
        var run = fixture.Cli();

        var exit = await run.RunAsync("heal", id, "--wait", "--timeout", "20s");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var state = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        var heal = Assert.Single(state.History);
        Assert.Equal(HealTrigger.Operator, heal.Trigger);
        Assert.Equal(HealDecision.Restore, heal.Decision);
        Assert.Equal(endpoint, state.Endpoint);
        Assert.Contains("heal history (1, oldest first):", run.Output.ToString());
        Assert.Contains("restore (same endpoint): the data plane is Unknown, not known down; 'heal --reselect' picks a new endpoint", run.Output.ToString());
    }

    [Fact]
    public async Task Heal_reselect_closes_the_old_connection_and_reselects_though_the_data_plane_is_not_known_down()
    {
        var id = await fixture.RequestAsync("heal-reselect");
        var run = fixture.Cli();

        var exit = await run.RunAsync("heal", id, "--reselect", "--wait", "--timeout", "20s");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var state = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        var heal = Assert.Single(state.History);
        Assert.Equal((HealTrigger.OperatorReselect, HealDecision.Reselect, HealOutcome.Healed), (heal.Trigger, heal.Decision, heal.Outcome));
        Assert.Equal(DataPlaneVerdict.Unknown, state.DataPlane);
        Assert.Single(fixture.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.DoesNotContain("restore (same endpoint)", run.Output.ToString());
    }

    [Fact]
    public async Task Heal_of_a_closed_connection_exits_1_and_of_an_unknown_one_exits_4()
    {
        var id = await fixture.RequestAsync("heal-closed");
        await fixture.Client.GetGrain<IConnectionGrain>(id).Close();

        var closed = fixture.Cli();
        Assert.Equal(ExitCodes.Failed, await closed.RunAsync("heal", id));
        Assert.Contains("is Closed", closed.Error.ToString());

        var unknown = fixture.Cli();
        Assert.Equal(ExitCodes.NotFound, await unknown.RunAsync("heal", $"nobody-{Guid.NewGuid():N}"));
    }

    [Fact]
    public async Task Close_closes_at_the_nsmgr_and_a_second_close_is_still_ok()
    {
        var id = await fixture.RequestAsync("close");
        var run = fixture.Cli();

        var exit = await run.RunAsync("close", id);

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        Assert.Equal($"{id}: Closed (closed by an operator: no reason given)", run.Output.ToString().Trim());
        Assert.Equal("closed by an operator: no reason given", (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Reason);
        Assert.Single(fixture.Simulator.Records.Closes(id, reason: CloseReason.Client));
        Assert.Null(fixture.Simulator.WiringOf(id));

        var again = fixture.Cli();
        Assert.Equal(ExitCodes.Ok, await again.RunAsync("close", id));
    }

    [Fact]
    public async Task Close_of_an_unknown_id_exits_4()
    {
        var run = fixture.Cli();

        Assert.Equal(ExitCodes.NotFound, await run.RunAsync("close", $"nobody-{Guid.NewGuid():N}"));
    }
}
