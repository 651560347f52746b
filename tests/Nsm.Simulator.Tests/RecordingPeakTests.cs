using Nsm.Simulator.Tests.Support;
using Nsm.Simulator.Topology;

namespace Nsm.Simulator.Tests;

public sealed class RecordingPeakTests
{
    [Fact]
    public async Task Peak_concurrent_requests_are_counted_per_nsmgr()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(SimulatorTopology.Default(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        sim.Faults.SetRequestLatency(TimeSpan.FromSeconds(1));

        var requests = new[] { nsc.RequestAsync("c-1"), nsc.RequestAsync("c-2"), nsc.RequestAsync("c-3") };
        await Eventually.True(() => sim.Records.ConcurrentRequests("nsmgr-1") == 3, "three requests are in flight");
        clock.Advance(TimeSpan.FromSeconds(1));
        await Task.WhenAll(requests);

        Assert.Equal(3, sim.Records.PeakConcurrentRequests("nsmgr-1"));
        Assert.Equal(0, sim.Records.ConcurrentRequests("nsmgr-1"));
        Assert.Equal(0, sim.Records.PeakConcurrentRequests("nsmgr-2"));
    }

    [Fact]
    public async Task Peak_in_flight_per_connection_counts_a_request_and_a_close_together()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        var wellBehaved = await nsc.RequestAsync("c-good");
        await nsc.CloseAsync(wellBehaved);
        sim.Faults.SetRequestLatency(TimeSpan.FromSeconds(1));

        var request = nsc.RequestAsync("c-bad");
        await Eventually.True(() => sim.Records.ConcurrentRequests("nsmgr-1") == 1, "the request is in flight");
        await nsc.CloseAsync(NscRequests.New("c-bad").Connection);
        clock.Advance(TimeSpan.FromSeconds(1));
        await request;

        Assert.Equal(1, sim.Records.PeakInFlight("c-good"));
        Assert.Equal(2, sim.Records.PeakInFlight("c-bad"));
        Assert.Equal(0, sim.Records.PeakInFlight("c-never"));
    }
}
