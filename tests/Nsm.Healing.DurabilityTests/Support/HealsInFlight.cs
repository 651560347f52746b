using Grpc.Core;
using Nsm.Simulator;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// Heals kept in progress on purpose: while <see cref="HoldNsmgr"/> is in force the NSMgr delays every Request
/// and then fails it, so each heal keeps retrying with a Request in flight much of the time and none succeeds
/// until <see cref="Release"/>.
/// </summary>
public static class HealsInFlight
{
    private static readonly TimeSpan RequestLatency = TimeSpan.FromMilliseconds(300);

    public static void HoldNsmgr(NsmSimulator simulator)
    {
        simulator.Faults.SetRequestLatency(RequestLatency);
        simulator.Faults.SetRequestFailureProbability(1.0, seed: 5);
    }

    public static void Release(NsmSimulator simulator)
    {
        simulator.Faults.SetRequestFailureProbability(0);
        simulator.Faults.SetRequestLatency(TimeSpan.Zero);
    }

    /// <summary>
    /// Breaks each connection's data plane and says so, as the NSC's liveness reporter would about the connection
    /// it holds now: a reselect. The grain persists the heal and registers its reminder before it answers.
    /// </summary>
    public static async Task StartReselectsAsync(IClusterClient client, NsmSimulator simulator, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            simulator.Faults.BreakDataPlane(id);
            var grain = client.GetGrain<IConnectionGrain>(id);
            await grain.ReportDataPlane(DataPlaneVerdict.Down, (await grain.GetState()).Connection);
        }
    }

    /// <summary>An operator heal with the data plane not known down: a restore, to the same endpoint.</summary>
    public static async Task StartRestoresAsync(IClusterClient client, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            await client.GetGrain<IConnectionGrain>(id).HealNow();
        }
    }

    /// <summary>Until every connection has had a Request fail: all heals are running and retrying.</summary>
    public static Task WaitUntilRetryingAsync(NsmSimulator simulator, IReadOnlyList<string> ids) => Eventually.True(
        () => ids.All(id => simulator.Records.Requests(id).Any(r => r.Outcome != StatusCode.OK)),
        "every heal to have had an attempt fail", TimeSpan.FromSeconds(30));

    /// <summary>
    /// Until the NSMgr has accepted a heal Request (<paramref name="heal"/>) for every connection: the heals arrived,
    /// judged at the NSMgr without asking any grain.
    /// </summary>
    public static Task WaitUntilAcceptedAsync(NsmSimulator simulator, IReadOnlyList<string> ids, Func<RequestRecord, bool> heal, TimeSpan timeout) => Eventually.True(
        () => ids.All(id => Accepted(simulator, id, heal)),
        "the NSMgr to accept the heal of every connection", timeout,
        () => $"still waiting for {ids.Count(id => !Accepted(simulator, id, heal))} of {ids.Count}");

    public static bool IsReselect(RequestRecord request) => request.Reselect;

    private static bool Accepted(NsmSimulator simulator, string id, Func<RequestRecord, bool> heal) =>
        simulator.Records.Requests(id).Any(r => r.Outcome == StatusCode.OK && heal(r));
}
