using Grpc.Core;
using Nsm.Simulator.Tests.Support;

namespace Nsm.Simulator.Tests;

/// <summary>
/// As upstream's begin element: an NSMgr carries out one connection's calls one at a time, in the order they arrived,
/// each to its end even when its caller stopped waiting; a call its caller gave up on is no longer the caller's in flight.
/// </summary>
public sealed class CallsInTurnTests
{
    [Fact]
    public async Task A_request_its_caller_gave_up_on_is_out_of_flight_and_carried_out_before_the_close_that_came_after_it()
    {
        await using var sim = await Sim.StartAsync(Sim.OneNodeTwoNses(), Sim.Clock());
        using var nsc = new NscClient(sim.NsmgrAddress("nsmgr-1"));
        // A warm channel: the Request below must reach the NSMgr well within its deadline.
        await nsc.CloseAsync(await nsc.RequestAsync("c-warm"));
        using var letGo = new ManualResetEventSlim();
        var held = new TaskCompletionSource();
        // The NSMgr busy with something else: no call gets served until it lets go.
        var busy = Task.Run(() => sim.Simulation.Inspect(_ =>
        {
            held.SetResult();
            letGo.Wait();
            return 0;
        }));
        await held.Task;
        RpcException abandoned;
        Task close;
        try
        {
            abandoned = await Assert.ThrowsAsync<RpcException>(() =>
                nsc.Network.RequestAsync(NscRequests.New("c-1"), deadline: DateTime.UtcNow.AddSeconds(1)).ResponseAsync);
            await Eventually.True(() => sim.Records.InFlight("c-1") == 0, "the abandoned Request out of its caller's flight");
            close = nsc.CloseAsync(NscRequests.New("c-1").Connection);
            await Eventually.True(() => sim.Records.InFlight("c-1") == 1, "the Close in flight, queued behind the Request");
        }
        finally
        {
            letGo.Set();
        }

        await close;
        await busy;

        Assert.Equal(StatusCode.DeadlineExceeded, abandoned.StatusCode);
        Assert.Equal(1, sim.Records.PeakInFlight("c-1"));
        var served = Assert.Single(sim.Records.Requests("c-1"));
        Assert.Equal((StatusCode.OK, true), (served.Outcome, served.CallerLeft));
        Assert.Null(sim.WiringOf("c-1"));
    }
}
