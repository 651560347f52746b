using Nsm.Healing.Cli.Cluster;
using Nsm.Healing.Cli.Tests.Support;
using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.Cli.Tests;

/// <summary>
/// The README's main command, small: every scenario against two real silo processes. On a machine without
/// redis-server the silo-kill scenario is skipped (and says why); everything else must pass either way.
/// </summary>
public sealed class DemoTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public async Task Demo_plays_every_scenario_and_every_connection_ends_as_the_seed_says()
    {
        var run = CliRun.Against(new OrleansClusterConnector());

        var exit = await run.RunAsync("demo", "--connections", "4");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var summary = run.Output.ToString();
        Assert.Contains("SCENARIO", summary);
        Assert.Matches(@"control-plane\s+2\s+2\s+2\s+0\s.*PASS", summary);
        Assert.Matches(@"data-plane\s+2\s+2\s+0\s+2\s.*PASS", summary);
        Assert.Matches(@"nse-death\s+2\s+2\s+0\s+2\s.*PASS", summary);
        Assert.Matches(RedisServer.FindServer() is null ? @"silo-kill\s.*SKIPPED" : @"silo-kill\s+2\s+2\s+2\s+0\s.*PASS", summary);
        if (RedisServer.FindServer() is not null)
        {
            Assert.Contains("connection(s) waiting: \"no silo on node node-2\"", summary);
        }

        // Root (CI): every NSC in a namespace of its own, passed on every call; elsewhere the demo says why, once.
        if (NetworkNamespaces.Unavailable is { } why)
        {
            Assert.Single(summary.Split('\n'), line => line.Contains(why, StringComparison.Ordinal));
            Assert.Contains("namespaces: none passed in this run (MEMIF", summary);
        }
        else
        {
            Assert.Contains("for the 4 connections carried its NSC's namespace — met", summary);
        }

        // The demo says which data plane it ran: real vWires with ICMP liveness where it could make them, else the model.
        Assert.Single(summary.Split('\n'), line => line.Contains("  data plane: ", StringComparison.Ordinal));
        Assert.Contains(
            NetworkNamespaces.Unavailable is null ? "liveness by ICMP echo from inside each NSC's namespace" : "data plane: modelled",
            summary);

        Assert.Contains("every connection ended as the seed says", summary);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Demo_on_the_development_profile_skips_the_silo_kill_and_says_why()
    {
        var run = CliRun.Against(new OrleansClusterConnector());

        var exit = await run.RunAsync("demo", "--connections", "2", "--profile", "Development", "--scenarios", "control-plane,silo-kill");

        Assert.True(exit == ExitCodes.Ok, run.ToString());
        var text = run.Output.ToString();
        Assert.Contains("on the Development profile", text);
        Assert.Matches(@"control-plane\s+1\s+1\s+1\s+0\s.*PASS", text);
        Assert.Matches(@"silo-kill\s.*SKIPPED", text);
        Assert.Contains("would be lost, not healed", text);
    }
}
