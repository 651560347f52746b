using Grpc.Core;
using Grpc.Health.V1;
using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class NsmgrRestartTests
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task While_down_streams_end_calls_fail_and_health_says_not_serving_until_the_downtime_passes()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1");
        using var monitor = await nsc.MonitorFromNowAsync();

        var restart = sim.Faults.RestartNsmgrAsync("nsmgr-1", Downtime);

        Assert.Equal(StatusCode.Unavailable, (await monitor.EndAsync()).StatusCode);
        await AssertUnavailableAsync(() => nsc.RequestAsync("c-2"));
        await AssertUnavailableAsync(() => nsc.CloseAsync(connection));
        using var lateMonitor = nsc.Monitor();
        await AssertUnavailableAsync(lateMonitor.NextAsync);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await nsc.HealthOfAsync("networkservice.NetworkService"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, await nsc.HealthOfAsync("connection.MonitorConnection"));
        Assert.Equal(0, sim.Records.OpenMonitorStreams("nsmgr-1"));

        clock.Advance(Downtime - TimeSpan.FromMilliseconds(1));
        Assert.False(restart.IsCompleted);
        Assert.False(sim.IsNsmgrUp("nsmgr-1"));

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await restart;

        Assert.True(sim.IsNsmgrUp("nsmgr-1"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync("networkservice.NetworkService"));
        await nsc.RequestAsync("c-2");
    }

    [Fact]
    public async Task Restart_loses_the_nsmgrs_state_but_not_the_data_plane_and_a_restore_keeps_ids_and_addresses()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var connection = await nsc.RequestAsync("c-1", endpoint: "nse-1b");
        var restart = sim.Faults.RestartNsmgrAsync("nsmgr-1", Downtime);
        clock.Advance(Downtime);
        await restart;

        Assert.Empty(sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.True(sim.IsDataPlaneUp("c-1"));
        using var monitor = await nsc.MonitorFromNowAsync();
        Assert.Empty(monitor.Initial!.Connections);

        var restored = await nsc.RequestAsync(NscRequests.Restore(connection));

        Assert.Equal(Paths.Ids(connection), Paths.Ids(restored));
        Assert.Equal(Paths.Names(connection), Paths.Names(restored));
        Assert.Equal(connection.Context.IpContext, restored.Context.IpContext);
        Assert.True(sim.IsDataPlaneUp("c-1"));
        Assert.Equal(["c-1"], sim.ConnectionsKnownBy("nsmgr-1"));
        Assert.Empty(sim.Records.Duplicates());
        Assert.Empty(sim.Records.Closes());
        var (key, value) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal((Paths.KeyAt(connection, 1), State.Up), (key, value.State));
    }

    [Fact]
    public async Task Stopped_nsmgr_fails_calls_until_started_again()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        sim.Faults.StopNsmgr("nsmgr-1");
        var error = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-1"));
        sim.Faults.StartNsmgr("nsmgr-1");
        await nsc.RequestAsync("c-1");

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("nsmgr-1 is stopped", error.Status.Detail);
        Assert.Equal([StatusCode.Unavailable, StatusCode.OK], sim.Records.Requests("c-1").Select(r => r.Outcome));
    }

    [Fact]
    public async Task Health_serves_both_nsm_services_while_up()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync("networkservice.NetworkService"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync("connection.MonitorConnection"));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, await nsc.HealthOfAsync(string.Empty));
    }

    private static async Task AssertUnavailableAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<RpcException>(call);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("nsmgr-1 is restarting", error.Status.Detail);
    }
}
