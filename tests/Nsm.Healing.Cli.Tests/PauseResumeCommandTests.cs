using Nsm.Healing.Cli.Tests.Support;
using Nsm.Simulator;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.Cli.Tests;

[Collection(CliClusterCollection.Name)]
public sealed class PauseResumeCommandTests(CliClusterFixture fixture)
{
    [Fact]
    public async Task Pause_and_resume_one_connection()
    {
        var id = await fixture.RequestAsync("pause");

        var pause = fixture.Cli();
        Assert.True(await pause.RunAsync("pause", id, "--reason", "maintenance window") == ExitCodes.Ok, pause.ToString());
        var paused = await fixture.Client.GetGrain<IConnectionGrain>(id).GetState();
        Assert.Equal(ConnectionPhase.Paused, paused.Phase);
        Assert.Equal("maintenance window", paused.Reason);
        Assert.Contains("Paused", pause.Output.ToString());

        var resume = fixture.Cli();
        Assert.True(await resume.RunAsync("resume", id) == ExitCodes.Ok, resume.ToString());
        Assert.Equal(ConnectionPhase.Up, (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Phase);
    }

    [Fact]
    public async Task Pause_and_resume_every_connection_of_an_nsmgr()
    {
        // An NSMgr of its own, so no other test's connections are paused.
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 2));
        var nsmgr = simulator.NsmgrAddress("nsmgr-1");
        var ids = new[] { await fixture.RequestAsync("pause-all", nsmgr), await fixture.RequestAsync("pause-all", nsmgr) };
        var other = await fixture.RequestAsync("pause-other");

        var pause = fixture.Cli();
        Assert.True(await pause.RunAsync("pause", "--nsmgr", nsmgr, "--json") == ExitCodes.Ok, pause.ToString());
        foreach (var id in ids)
        {
            Assert.Equal(ConnectionPhase.Paused, (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Phase);
        }

        Assert.Equal(ConnectionPhase.Up, (await fixture.Client.GetGrain<IConnectionGrain>(other).GetState()).Phase);

        var resume = fixture.Cli();
        Assert.True(await resume.RunAsync("resume", "--nsmgr", nsmgr) == ExitCodes.Ok, resume.ToString());
        foreach (var id in ids)
        {
            Assert.Equal(ConnectionPhase.Up, (await fixture.Client.GetGrain<IConnectionGrain>(id).GetState()).Phase);
            await fixture.Client.GetGrain<IConnectionGrain>(id).Close();
        }
    }

    [Theory]
    [InlineData("pause")]
    [InlineData("resume")]
    public async Task Both_or_neither_of_id_and_nsmgr_exits_2(string verb)
    {
        var neither = fixture.Cli();
        Assert.Equal(ExitCodes.Usage, await neither.RunAsync(verb));
        Assert.Contains("--nsmgr", neither.Error.ToString());

        var both = fixture.Cli();
        Assert.Equal(ExitCodes.Usage, await both.RunAsync(verb, "some-id", "--nsmgr", fixture.Nsmgr));
    }

    [Fact]
    public async Task Pause_of_a_closed_connection_exits_1_and_says_why()
    {
        var id = await fixture.RequestAsync("pause-closed");
        await fixture.Client.GetGrain<IConnectionGrain>(id).Close();
        var run = fixture.Cli();

        Assert.Equal(ExitCodes.Failed, await run.RunAsync("pause", id));
        Assert.Contains("is Closed", run.Error.ToString());
    }

    [Fact]
    public async Task Pause_of_an_nsmgr_without_connections_exits_4()
    {
        var run = fixture.Cli();

        Assert.Equal(ExitCodes.NotFound, await run.RunAsync("pause", "--nsmgr", "http://127.0.0.1:1"));
    }
}
