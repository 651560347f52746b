using Grpc.Core;
using Nsm.Simulator;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Heals kept in progress on purpose, as the durability tests keep them: while <see cref="HoldNsmgr"/> is in force
/// the NSMgr delays every Request and then fails it, so each heal keeps retrying and none succeeds until
/// <see cref="Release"/>.
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
    /// Breaks each connection's data plane and says so, as the NSC's liveness reporter would: a reselect. The grain
    /// stores the heal and registers its backstop reminder before it answers, so the heal survives its silo.
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

    /// <summary>Until every connection has had a Request fail: all heals are running and retrying.</summary>
    public static Task WaitUntilRetryingAsync(NsmSimulator simulator, IReadOnlyList<string> ids) => Wait.Until(
        () => ids.All(id => simulator.Records.Requests(id).Any(r => r.Outcome != StatusCode.OK)),
        "every heal to have had an attempt fail", TimeSpan.FromSeconds(30));

    /// <summary>
    /// For each of <paramref name="ids"/> the NSMgr accepted a reselect of at or after <paramref name="since"/>, when it
    /// first did. One snapshot of the records per call, so polling it holds the simulator's lock once, not once per id.
    /// </summary>
    public static IReadOnlyDictionary<string, DateTimeOffset> ReselectsAcceptedSince(NsmSimulator simulator, IReadOnlyCollection<string> ids, DateTimeOffset since)
    {
        var wanted = ids.ToHashSet(StringComparer.Ordinal);
        var accepted = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var request in simulator.Records.Requests())
        {
            if (wanted.Contains(request.ConnectionId) && IsAcceptedReselect(request) && request.Timestamp >= since
                && (!accepted.TryGetValue(request.ConnectionId, out var earlier) || request.Timestamp < earlier))
            {
                accepted[request.ConnectionId] = request.Timestamp;
            }
        }

        return accepted;
    }

    public static int AcceptedReselects(NsmSimulator simulator, string id) => simulator.Records.Requests(id).Count(IsAcceptedReselect);

    private static bool IsAcceptedReselect(RequestRecord request) => request.Reselect && request.Outcome == StatusCode.OK;
}
