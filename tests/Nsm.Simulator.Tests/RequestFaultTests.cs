using Grpc.Core;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

public sealed class RequestFaultTests
{
    [Fact]
    public async Task Latency_delays_each_request_on_the_simulator_clock()
    {
        var clock = Sim.Clock();
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        sim.Faults.SetRequestLatency(TimeSpan.FromSeconds(2), "nsmgr-1");

        var request = nsc.RequestAsync("c-1");
        await Eventually.True(() => sim.Records.ConcurrentRequests("nsmgr-1") == 1, "the request is in flight");
        clock.Advance(TimeSpan.FromSeconds(2) - TimeSpan.FromMilliseconds(1));
        Assert.False(request.IsCompleted);
        Assert.Empty(sim.Records.Requests());

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await request;

        Assert.Equal(Sim.Epoch + TimeSpan.FromSeconds(2), Assert.Single(sim.Records.Requests("c-1")).Timestamp);
        sim.Faults.SetRequestLatency(TimeSpan.Zero);
        await nsc.RequestAsync("c-2");
    }

    [Trait("Category", "Slow")]
    [Fact]
    public async Task Failure_probability_is_reproducible_with_a_seed_and_roughly_that_often()
    {
        var first = await OutcomesAsync(probability: 0.3, seed: 42, requests: 200);
        var second = await OutcomesAsync(probability: 0.3, seed: 42, requests: 200);

        Assert.Equal(first, second);
        Assert.InRange(first.Count(failed => failed), 30, 90);
    }

    [Fact]
    public async Task Certain_failure_fails_every_request_with_unavailable_and_wires_nothing()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        sim.Faults.SetRequestFailureProbability(1);

        var error = await Assert.ThrowsAsync<RpcException>(() => nsc.RequestAsync("c-1"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("injected failure", error.Status.Detail);
        Assert.Null(sim.WiringOf("c-1"));
        Assert.Throws<ArgumentOutOfRangeException>(() => sim.Faults.SetRequestFailureProbability(1.5));
        sim.Faults.SetRequestFailureProbability(0);
        await nsc.RequestAsync("c-1");
    }

    [Fact(Timeout = 10_000)]
    public async Task Stopping_the_simulator_does_not_wait_for_requests_held_by_latency()
    {
        var clock = Sim.Clock();
        var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), clock);
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        sim.Faults.SetRequestLatency(TimeSpan.FromHours(1));
        var request = nsc.RequestAsync("c-1");
        await Eventually.True(() => sim.Records.ConcurrentRequests("nsmgr-1") == 1, "the request is in flight");

        await sim.DisposeAsync();

        await Assert.ThrowsAsync<RpcException>(() => request);
        Assert.Empty(sim.Records.Requests());
    }

    private static async Task<List<bool>> OutcomesAsync(double probability, int seed, int requests)
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        sim.Faults.SetRequestFailureProbability(probability, seed, "nsmgr-1");
        var failed = new List<bool>(requests);
        for (var i = 0; i < requests; i++)
        {
            try
            {
                await nsc.RequestAsync($"c-{i}");
                failed.Add(false);
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                failed.Add(true);
            }
        }

        Assert.Equal(failed.Count(f => f), sim.Records.Requests().Count(r => r.Outcome == StatusCode.Unavailable));
        return failed;
    }
}
