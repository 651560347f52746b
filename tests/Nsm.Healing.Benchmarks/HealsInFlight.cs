using Grpc.Core;
using Nsm.Simulator;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Starting and judging heals kept in progress by <see cref="HeldNsmgr"/>, from the NSMgr's
/// records: no grain is asked, so no call of ours is what wakes an orphaned heal.
/// </summary>
public static class HealsInFlight
{
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
