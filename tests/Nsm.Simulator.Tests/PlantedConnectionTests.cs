using Nsm.Api;
using Nsm.Identity;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

/// <summary>A test plants connections no client holds: an orphan under the healing service's identity, or a foreign one.</summary>
public sealed class PlantedConnectionTests
{
    private const string Owner = "spiffe://example.org/someone-else";

    [Fact]
    public async Task A_planted_connection_is_wired_known_and_in_the_snapshot_with_its_owner_as_token_subject_and_no_request_recorded()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        var planted = sim.PlantConnection("nsmgr-1", "c-planted", Owner, "ns-1", endpoint: "nse-1b");

        Assert.Equal("nse-1b", planted.NetworkServiceEndpointName);
        Assert.Equal(["c-planted"], sim.ConnectionsAt("nse-1b"));
        Assert.Equal(["c-planted"], sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Empty(sim.Records.Requests("c-planted"));
        using var monitor = await nsc.MonitorFromNowAsync();
        var seen = Assert.Single(monitor.Initial!.Connections).Value;
        Assert.Equal("c-planted", seen.Path.PathSegments[0].Id);
        Assert.Equal(Owner, NsmTokens.Read(seen.Path.PathSegments[0].Token)!.Subject);
    }

    [Fact]
    public async Task A_planted_connection_closes_like_any_other()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var planted = sim.PlantConnection("nsmgr-1", "c-planted", Owner, "ns-1");

        await nsc.CloseAsync(planted);

        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Equal(CloseReason.Client, Assert.Single(sim.Records.Closes("c-planted")).Reason);
    }
}
