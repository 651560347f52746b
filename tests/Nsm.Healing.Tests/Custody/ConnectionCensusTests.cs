using Nsm.Healing.Connections;
using Nsm.Healing.Custody;

namespace Nsm.Healing.Tests.Custody;

/// <summary>The per-silo census behind `top` and /status: sums per NSMgr, forwarder and NSE, from each connection's path.</summary>
public sealed class ConnectionCensusTests
{
    private static readonly DateTimeOffset Now = TestRequests.IssuedAt;

    [Fact]
    public void Rows_count_connections_phases_heals_loops_and_abandoned_closes_per_hop()
    {
        var census = new ConnectionCensus();
        census.Set("up", State(ConnectionPhase.Up), Now);
        census.Set("healing", State(ConnectionPhase.Healing), Now);
        census.Set("abandoned", State(ConnectionPhase.Abandoned), Now);
        census.Set("closed", State(ConnectionPhase.Closed), Now);
        var looping = State(ConnectionPhase.Up);
        looping.LoopCycles = [Now.AddSeconds(-30), Now.AddSeconds(-20), Now.AddSeconds(-10)];
        census.Set("looping", looping, Now);

        var report = census.Summarize("silo-1", [new OrphanSighting("tcp://nsmgr:5001", "nse-1", ["forwarder-1"])], Now);

        Assert.Equal(
            ["Forwarder:forwarder-1", "Nse:nse-1", "Nsmgr:tcp://nsmgr:5001"],
            report.Rows.Select(r => $"{r.Kind}:{r.Name}").Order(StringComparer.Ordinal));
        Assert.All(report.Rows, row =>
        {
            Assert.Equal(4, row.Connections);
            Assert.Equal(1, row.HealsInProgress);
            Assert.Equal(1, row.Looping);
            Assert.Equal(1, row.AbandonedCloses);
            Assert.Equal(1, row.Orphans);
            Assert.Equal(new Dictionary<string, int> { ["Up"] = 2, ["Healing"] = 1, ["Abandoned"] = 1, ["Closed"] = 1 }, row.Phases);
        });
        // Only the Up connection that is not looping says where healthy NSEs are.
        Assert.Equal(["nse-1"], report.ServingEndpoints["icmp-responder"]);
    }

    [Fact]
    public void A_deactivated_connection_leaves_the_census_and_loops_age_out()
    {
        var census = new ConnectionCensus();
        var looping = State(ConnectionPhase.Up);
        looping.LoopCycles = [Now.AddMinutes(-4), Now.AddSeconds(-20), Now.AddSeconds(-10)];
        census.Set("looping", looping, Now);
        census.Set("gone", State(ConnectionPhase.Up), Now);
        census.Remove("gone");

        Assert.Equal(1, census.LoopingNow(Now));
        Assert.Equal(0, census.LoopingNow(Now.AddMinutes(1.5)));
        Assert.Equal(1, Assert.Single(census.Summarize("silo-1", [], Now).Rows, r => r.Kind == EndpointKind.Nse).Connections);
    }

    private static ConnectionState State(ConnectionPhase phase) => new()
    {
        Phase = phase,
        NsmgrAddress = "tcp://nsmgr:5001",
        LastGoodRequest = TestRequests.LastGood(),
    };
}
