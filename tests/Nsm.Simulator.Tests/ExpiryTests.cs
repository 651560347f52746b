using Nsm.Api;
using Nsm.Simulator.Recording;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class ExpiryTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    [Fact]
    public async Task The_nsmgr_times_a_connection_out_when_the_callers_token_expires_though_the_path_lives_longer()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(TimeSpan.FromMinutes(10)), clock);
        var tokenLife = TimeSpan.FromSeconds(30);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"), token: (own, nsmgr) =>
        {
            var expires = DateTimeOffset.UtcNow + tokenLife;
            return (Nsm.Identity.NsmTokens.Sign(own, nsmgr.Id, expires), expires);
        });

        var connection = await nsc.RequestAsync("c-1");

        var callerExpires = connection.Path.PathSegments[0].Expires.ToDateTimeOffset();
        Assert.InRange(callerExpires, Sim.Epoch + tokenLife - TimeSpan.FromSeconds(5), Sim.Epoch + tokenLife);
        Assert.Equal(callerExpires, sim.WiringOf("c-1")!.Expires);
        clock.Advance(callerExpires - clock.GetUtcNow());
        await Eventually.True(() => sim.Records.Closes("c-1").Count == 1, "the connection is timed out");
        Assert.Equal((CloseReason.Expired, callerExpires), (sim.Records.Closes("c-1")[0].Reason, sim.Records.Closes("c-1")[0].Timestamp));
        Assert.Null(sim.WiringOf("c-1"));
    }

    [Fact]
    public async Task Connection_not_refreshed_in_time_is_closed_with_DELETE_and_an_expired_close()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(Lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();
        var connection = await nsc.RequestAsync("c-1");
        await monitor.NextSingleAsync(ConnectionEventType.Update);

        clock.Advance(Lifetime - TimeSpan.FromMilliseconds(1));
        Assert.NotNull(sim.WiringOf("c-1"));
        Assert.Empty(sim.Records.Closes());

        clock.Advance(TimeSpan.FromMilliseconds(1));

        var deleted = await monitor.NextSingleAsync(ConnectionEventType.Delete);
        Assert.Equal(Paths.KeyAt(connection, 1), deleted.Key);
        var close = Assert.Single(sim.Records.Closes("c-1"));
        Assert.Equal((CloseReason.Expired, "nse-1a", Sim.Epoch + Lifetime), (close.Reason, close.Endpoint, close.Timestamp));
        Assert.Null(sim.WiringOf("c-1"));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Refresh_before_expiry_pushes_the_expiry_back()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(Lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");

        clock.Advance(TimeSpan.FromSeconds(40));
        await nsc.RequestAsync(NscRequests.Restore(connection));
        clock.Advance(TimeSpan.FromSeconds(40));

        Assert.True(sim.IsDataPlaneUp("c-1"));
        Assert.Empty(sim.Records.Closes());

        clock.Advance(TimeSpan.FromSeconds(20));

        Assert.Null(sim.WiringOf("c-1"));
        Assert.Equal(CloseReason.Expired, Assert.Single(sim.Records.Closes("c-1")).Reason);
    }

    [Fact]
    public async Task Wiring_forgotten_by_a_restarted_nsmgr_still_expires_in_the_fabric()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(Lifetime), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");
        var restart = sim.Faults.RestartNsmgrAsync("nsmgr-1", TimeSpan.FromSeconds(1));
        clock.Advance(TimeSpan.FromSeconds(1));
        await restart;
        Assert.True(sim.IsDataPlaneUp("c-1"));

        clock.Advance(Lifetime);

        Assert.False(sim.IsDataPlaneUp("c-1"));
        Assert.Empty(sim.ConnectionsAt("nse-1a"));
        Assert.Equal(CloseReason.Expired, Assert.Single(sim.Records.Closes("c-1")).Reason);
    }
}
