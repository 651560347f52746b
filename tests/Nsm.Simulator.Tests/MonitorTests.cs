using Nsm.Api;
using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

public sealed class MonitorTests
{
    [Fact]
    public async Task Initial_state_transfer_comes_first_even_when_there_is_nothing()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = nsc.Monitor();

        var first = await monitor.NextAsync();

        Assert.Equal(ConnectionEventType.InitialStateTransfer, first.Type);
        Assert.Empty(first.Connections);
    }

    [Fact]
    public async Task Initial_state_transfer_is_keyed_by_the_nsmgrs_own_segment_id()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var c1 = await nsc.RequestAsync("c-1");
        var c2 = await nsc.RequestAsync("c-2");

        using var monitor = await nsc.MonitorFromNowAsync();

        var connections = monitor.Initial!.Connections;
        Assert.Equal(new[] { Paths.KeyAt(c1, 1), Paths.KeyAt(c2, 1) }.Order(), connections.Keys.Order());
        Assert.DoesNotContain("c-1", connections.Keys);
        foreach (var (key, connection) in connections)
        {
            Assert.Equal(key, connection.Id);
            Assert.Equal(1u, connection.Path.Index);
            Assert.Equal(key, connection.Path.PathSegments[1].Id);
            Assert.Equal("nsc-1", connection.Path.PathSegments[0].Name);
            Assert.Equal(State.Up, connection.State);
        }

        Assert.Equal("c-1", connections[Paths.KeyAt(c1, 1)].Path.PathSegments[0].Id);
    }

    [Fact]
    public async Task Request_sends_UPDATE_with_the_full_path_at_the_nsmgrs_index()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var monitor = await nsc.MonitorFromNowAsync();

        var connection = await nsc.RequestAsync("c-1");

        var (key, value) = await monitor.NextSingleAsync(ConnectionEventType.Update);
        Assert.Equal(Paths.KeyAt(connection, 1), key);
        Assert.Equal(State.Up, value.State);
        Assert.Equal(1u, value.Path.Index);
        Assert.Equal(Paths.Ids(connection), Paths.Ids(value));
    }

    [Fact]
    public async Task Selector_network_services_is_an_or_list()
    {
        var topology = SimulatorTopology.Builder()
            .AddNode("node-1", "nsmgr-1", node => node
                .WithForwarders("fwd-1a")
                .AddNse("nse-a", "ns-a")
                .AddNse("nse-b", "ns-b")
                .AddNse("nse-c", "ns-c"))
            .Build();
        await using var sim = await Sim.StartAsync(topology);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var a = await nsc.RequestAsync("c-a", "ns-a");
        var b = await nsc.RequestAsync("c-b", "ns-b");
        await nsc.RequestAsync("c-c", "ns-c");

        using var monitor = await nsc.MonitorFromNowAsync(new MonitorScopeSelector { NetworkServices = { "ns-a", "ns-b" } });

        Assert.Equal(new[] { Paths.KeyAt(a, 1), Paths.KeyAt(b, 1) }.Order(), monitor.Initial!.Connections.Keys.Order());
    }

    [Fact]
    public async Task Selector_path_segments_match_a_contiguous_run_with_wildcards()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var viaA = await nsc.RequestAsync("c-a");
        var viaB = await nsc.RequestAsync(NscRequests.Reselect(await nsc.RequestAsync("c-b")));
        Assert.Equal("fwd-1b", viaB.Path.PathSegments[2].Name);

        var byForwarder = await InitialKeysAsync(nsc, Segment(name: "nsmgr-1"), Segment(name: "fwd-1b"));
        var byNscId = await InitialKeysAsync(nsc, Segment(id: "c-a"));
        var notContiguous = await InitialKeysAsync(nsc, Segment(name: "nsc-1"), Segment(name: "fwd-1a"));
        var wildcardsOnly = await InitialKeysAsync(nsc, Segment(), Segment(), Segment(), Segment());
        var longerThanPath = await InitialKeysAsync(nsc, Segment(), Segment(), Segment(), Segment(), Segment());

        Assert.Equal([Paths.KeyAt(viaB, 1)], byForwarder);
        Assert.Equal([Paths.KeyAt(viaA, 1)], byNscId);
        Assert.Empty(notContiguous);
        Assert.Equal(2, wildcardsOnly.Count);
        Assert.Empty(longerThanPath);
    }

    [Fact]
    public async Task Streams_of_a_subscriber_that_goes_away_are_cleaned_up()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        using var staying = await nsc.MonitorFromNowAsync();
        var leaving = await nsc.MonitorFromNowAsync();
        Assert.Equal(2, sim.Records.OpenMonitorStreams("nsmgr-1"));

        leaving.Dispose();

        await Eventually.True(() => sim.Records.OpenMonitorStreams("nsmgr-1") == 1, "the cancelled stream is cleaned up");
        Assert.Equal(2, sim.Records.MonitorStreamsOpened("nsmgr-1"));
        await nsc.RequestAsync("c-1");
        await staying.NextSingleAsync(ConnectionEventType.Update);
    }

    private static PathSegment Segment(string name = "", string id = "") => new() { Name = name, Id = id };

    private static async Task<List<string>> InitialKeysAsync(NscClient nsc, params PathSegment[] segments)
    {
        using var monitor = await nsc.MonitorFromNowAsync(new MonitorScopeSelector { PathSegments = { segments } });
        return [.. monitor.Initial!.Connections.Keys];
    }
}
