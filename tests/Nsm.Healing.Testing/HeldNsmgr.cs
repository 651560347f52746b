using Grpc.Core;
using Nsm.Simulator;

namespace Nsm.Healing.Testing;

/// <summary>
/// Heals kept in progress on purpose, shared by the durability tests and the recovery benchmark:
/// while <see cref="Hold"/> is in force the NSMgr delays every Request and then fails it, so each heal keeps retrying
/// with a Request in flight much of the time and none succeeds until <see cref="Release"/>.
/// </summary>
public static class HeldNsmgr
{
    private static readonly TimeSpan RequestLatency = TimeSpan.FromMilliseconds(300);

    public static void Hold(NsmSimulator simulator)
    {
        simulator.Faults.SetRequestLatency(RequestLatency);
        simulator.Faults.SetRequestFailureProbability(1.0, seed: 5);
    }

    public static void Release(NsmSimulator simulator)
    {
        simulator.Faults.SetRequestFailureProbability(0);
        simulator.Faults.SetRequestLatency(TimeSpan.Zero);
    }

    /// <summary>Until every connection has had a Request fail: all heals are running and retrying.</summary>
    public static Task WaitUntilRetryingAsync(NsmSimulator simulator, IReadOnlyList<string> ids) => Eventually.True(
        () => ids.All(id => simulator.Records.Requests(id).Any(r => r.Outcome != StatusCode.OK)),
        "every heal to have had an attempt fail", TimeSpan.FromSeconds(30));

    /// <summary>
    /// Breaks each connection's data plane and says so, as the NSC's liveness reporter would about the connection it
    /// holds now: a reselect. The heal is stored with its first attempt's claim and its reminder registered alongside.
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
}
