using Grpc.Core;
using Nsm.Simulator;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// Starting and judging heals kept in progress by <see cref="HeldNsmgr"/>, from the NSMgr's
/// records: no grain is asked, so no call of ours is what wakes an orphaned heal.
/// </summary>
public static class HealsInFlight
{
    /// <summary>An operator heal with the data plane not known down: a restore, to the same endpoint.</summary>
    public static async Task StartRestoresAsync(IClusterClient client, IReadOnlyList<string> ids)
    {
        foreach (var id in ids)
        {
            await client.GetGrain<IConnectionGrain>(id).HealNow();
        }
    }

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
