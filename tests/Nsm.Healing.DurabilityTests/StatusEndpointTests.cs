using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Nsm.Healing.DurabilityTests.Support;
using Xunit.Abstractions;

namespace Nsm.Healing.DurabilityTests;

/// <summary>The operator pages on the silo's HTTP port, read from a real silo process with connections registered against the simulator.</summary>
[Trait("Category", "Slow")]
public sealed class StatusEndpointTests(ITestOutputHelper output)
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Status_counts_each_nsmgrs_connections_by_phase_and_the_dashboard_is_served()
    {
        await using var cluster = await DurableCluster.StartAsync(silos: 1, output);
        var ids = Connections.NewIds("status", 6);
        await Connections.RegisterAsync(cluster.Client, cluster.NsmgrAddress, ids);
        await Task.WhenAll(ids.Take(2).Select(id => cluster.Client.GetGrain<IConnectionGrain>(id).Pause("status test")));
        var http = $"http://127.0.0.1:{cluster.Silos[0].Ports.Http}";

        using var status = JsonDocument.Parse(await Http.GetStringAsync($"{http}/status"));
        cluster.Note(status.RootElement.ToString());

        var nsmgr = Assert.Single(status.RootElement.GetProperty("nsmgrs").EnumerateArray());
        Assert.Equal(cluster.NsmgrAddress, nsmgr.GetProperty("address").GetString());
        Assert.Equal(6, nsmgr.GetProperty("registered").GetInt32());
        Assert.Equal((4, 2, 0), (Phase(nsmgr.GetProperty("phases"), "Up"), Phase(nsmgr.GetProperty("phases"), "Paused"), Phase(nsmgr.GetProperty("phases"), "Healing")));
        Assert.Equal(0, nsmgr.GetProperty("unanswered").GetInt32());
        Assert.True(nsmgr.GetProperty("streamConnected").GetBoolean());
        Assert.True(nsmgr.GetProperty("epoch").GetInt64() >= 1);
        Assert.False(string.IsNullOrEmpty(nsmgr.GetProperty("silo").GetString()));
        var admission = nsmgr.GetProperty("admission");
        Assert.True(admission.GetProperty("budget").GetInt32() > 0);
        Assert.Equal((0, 0), (admission.GetProperty("inUse").GetInt32(), admission.GetProperty("waiting").GetInt32()));
        var totals = status.RootElement.GetProperty("totals");
        Assert.Equal((4, 2), (Phase(totals, "Up"), Phase(totals, "Paused")));

        using var dashboard = await Http.GetAsync($"{http}/dashboard/");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("<title>Orleans Dashboard</title>", await dashboard.Content.ReadAsStringAsync());
    }

    private static int Phase(JsonElement phases, string name) => phases.GetProperty(name).GetInt32();
}
