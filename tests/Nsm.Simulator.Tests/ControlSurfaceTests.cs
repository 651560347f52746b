using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nsm.Api;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class ControlSurfaceTests
{
    [Fact]
    public async Task Topology_stats_and_records_describe_the_simulator()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");

        var topology = await GetJsonAsync(http, "/topology");
        var stats = await GetJsonAsync(http, "/stats");
        var records = await GetJsonAsync(http, "/records?connectionId=c-1");

        var node = topology.GetProperty("nodes")[0];
        Assert.Equal(sim.NsmgrAddress("nsmgr-1"), node.GetProperty("nsmgr").GetProperty("address").GetString());
        Assert.Equal(["nse-1a", "nse-1b"], node.GetProperty("nses").EnumerateArray().Select(n => n.GetProperty("name").GetString()));
        Assert.Equal(1, stats.GetProperty("requests").GetInt32());
        Assert.Equal(1, stats.GetProperty("wiredConnections").GetInt32());
        Assert.Equal(1, stats.GetProperty("nsmgrs")[0].GetProperty("connections").GetInt32());
        var request = Assert.Single(records.GetProperty("requests").EnumerateArray());
        Assert.Equal(("nse-1a", "OK"), (request.GetProperty("endpoint").GetString(), request.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Fault_over_http_kills_a_forwarder_and_the_dataplane_endpoint_reports_it()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");
        using var monitor = await nsc.MonitorFromNowAsync();
        Assert.True((await GetJsonAsync(http, "/dataplane/c-1")).GetProperty("up").GetBoolean());

        var kill = await http.PostAsync("/faults/forwarders/fwd-1a/kill", null);

        Assert.Equal(HttpStatusCode.OK, kill.StatusCode);
        Assert.Equal(State.Down, (await monitor.NextSingleAsync(ConnectionEventType.Update)).Value.State);
        var dataPlane = await GetJsonAsync(http, "/dataplane/c-1");
        Assert.Equal(("c-1", false), (dataPlane.GetProperty("connectionId").GetString(), dataPlane.GetProperty("up").GetBoolean()));
    }

    [Fact]
    public async Task Nsmgr_restart_over_http_comes_back_after_the_downtime()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };

        var restart = await http.PostAsync("/faults/nsmgrs/nsmgr-1/restart?downtimeMs=2000", null);

        Assert.Equal(HttpStatusCode.Accepted, restart.StatusCode);
        Assert.False(sim.IsNsmgrUp("nsmgr-1"));
        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually.True(() => sim.IsNsmgrUp("nsmgr-1"), "nsmgr-1 is back");
    }

    [Theory]
    [InlineData("/faults/nsmgrs/nsmgr-1/restart", HttpStatusCode.BadRequest, "query parameter 'downtimeMs' is required")]
    [InlineData("/faults/nsmgrs/nsmgr-1/restart?downtimeMs=soon", HttpStatusCode.BadRequest, "query parameter 'downtimeMs' must be a whole number")]
    [InlineData("/faults/failure-rate?p=1.5", HttpStatusCode.BadRequest, "query parameter 'p' must be a number between 0 and 1")]
    [InlineData("/faults/latency?ms=-5", HttpStatusCode.BadRequest, "query parameter 'ms' must be a whole number")]
    [InlineData("/faults/nses/nse-1a/kill?replacement=fwd-1a", HttpStatusCode.BadRequest, "replacement name 'fwd-1a' is already used")]
    [InlineData("/faults/forwarders/fwd-9z/kill", HttpStatusCode.NotFound, "forwarder 'fwd-9z' is not in the topology")]
    [InlineData("/faults/nsmgrs/nsmgr-9/stop", HttpStatusCode.NotFound, "nsmgr 'nsmgr-9' is not in the topology")]
    [InlineData("/faults/latency?ms=5&nsmgr=nsmgr-9", HttpStatusCode.NotFound, "nsmgr 'nsmgr-9' is not in the topology")]
    [InlineData("/faults/connections/c-unknown/break-dataplane", HttpStatusCode.NotFound, "connection 'c-unknown' is not wired")]
    public async Task Bad_input_is_400_and_unknown_names_are_404_with_a_message(string url, HttpStatusCode status, string message)
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };

        var response = await http.PostAsync(url, null);

        Assert.Equal(status, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(message, error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Dataplane_of_an_unknown_connection_is_404()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };

        var response = await http.GetAsync("/dataplane/c-unknown");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Every_fault_endpoint_applies_its_fault()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var http = new HttpClient { BaseAddress = new Uri(sim.ControlUrl) };
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        await nsc.RequestAsync("c-1");

        await PostOkAsync(http, "/faults/connections/c-1/break-dataplane");
        Assert.False(sim.IsDataPlaneUp("c-1"));
        await PostOkAsync(http, "/faults/forwarders/fwd-1b/restart");
        await PostOkAsync(http, "/faults/nses/nse-1b/kill?replacement=nse-1c");
        Assert.Empty(sim.ConnectionsAt("nse-1c"));
        await PostOkAsync(http, "/faults/nsmgrs/nsmgr-1/drop-events?count=0");
        await PostOkAsync(http, "/faults/latency?ms=0&nsmgr=nsmgr-1");
        await PostOkAsync(http, "/faults/failure-rate?p=1&seed=3");
        await Assert.ThrowsAsync<Grpc.Core.RpcException>(() => nsc.RequestAsync("c-2"));
        await PostOkAsync(http, "/faults/failure-rate?p=0");
        await PostOkAsync(http, "/faults/nsmgrs/nsmgr-1/stop");
        Assert.False(sim.IsNsmgrUp("nsmgr-1"));
        await PostOkAsync(http, "/faults/nsmgrs/nsmgr-1/start");
        Assert.True(sim.IsNsmgrUp("nsmgr-1"));
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient http, string url)
    {
        var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task PostOkAsync(HttpClient http, string url)
    {
        var response = await http.PostAsync(url, null);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {url} answered {response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }
}
