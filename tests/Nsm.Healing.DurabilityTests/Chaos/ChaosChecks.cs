using Grpc.Core;
using Nsm.Simulator;
using Nsm.Simulator.Recording;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// What must hold once a chaos run has converged, judged per connection from the seed's faults (the ledger), the grains'
/// final snapshots and the simulator's records. Returns every violation, so one run reports all it found.
/// </summary>
public static class ChaosChecks
{
    public static IReadOnlyList<string> Violations(
        NsmSimulator simulator,
        ChaosLedger ledger,
        IReadOnlyDictionary<string, ConnectionSnapshot> registered,
        IReadOnlyDictionary<string, ConnectionSnapshot> final)
    {
        var violations = new List<string>();
        foreach (var (id, before) in registered)
        {
            if (!final.TryGetValue(id, out var after) || after.Phase == ConnectionPhase.None)
            {
                violations.Add($"{id}: lost, the cluster no longer knows it");
                continue;
            }

            violations.AddRange(ledger.ClosedAt(id) is { } closedAt
                ? ClosedStaysClosed(simulator, id, after, closedAt)
                : UpAsTheSeedSays(simulator, ledger, id, before, after));
            // Invariant 1: never two calls in flight for one connection, across crashes too.
            if (simulator.Records.PeakInFlight(id) > 1)
            {
                violations.Add($"{id}: {simulator.Records.PeakInFlight(id)} Requests/Closes in flight at once");
            }
        }

        // Invariant 2: Close before reselect, so no NSE ever held a connection twice.
        violations.AddRange(simulator.Records.Duplicates().Select(d =>
            $"{d.ConnectionId}: held by {string.Join(" and ", d.Endpoints)} at once ({d.Timestamp:HH:mm:ss.fff}); {ClosesBefore(simulator, d)}"));
        return violations;
    }

    /// <summary>The NSC's last Close before a duplicate appeared: usually what went wrong.</summary>
    private static string ClosesBefore(NsmSimulator simulator, DuplicateRecord duplicate) =>
        simulator.Records.Closes(duplicate.ConnectionId, reason: CloseReason.Client).LastOrDefault(c => c.Timestamp <= duplicate.Timestamp) is { } close
            ? $"the client's last Close before it ({close.Timestamp:HH:mm:ss.fff} at {close.Nsmgr}) {(close.Outcome == StatusCode.OK ? $"closed {close.Endpoint ?? "nothing"}" : $"failed {close.Outcome}: {close.Error}")}"
            : "the client never closed it before";

    /// <summary>No heal after Close (invariant 2): nothing accepted for it once its grain said Closed.</summary>
    private static IEnumerable<string> ClosedStaysClosed(NsmSimulator simulator, string id, ConnectionSnapshot after, DateTimeOffset closedAt)
    {
        if (after.Phase != ConnectionPhase.Closed)
        {
            yield return $"{id}: closed by its NSC but {after.Phase} ({after.Reason})";
        }

        foreach (var request in Accepted(simulator, id).Where(r => r.Timestamp > closedAt))
        {
            yield return $"{id}: a Request to {request.Endpoint} was accepted at {request.Timestamp:HH:mm:ss.fff}, after its close at {closedAt:HH:mm:ss.fff}";
        }
    }

    private static IEnumerable<string> UpAsTheSeedSays(NsmSimulator simulator, ChaosLedger ledger, string id, ConnectionSnapshot before, ConnectionSnapshot after)
    {
        if (after.Phase != ConnectionPhase.Up)
        {
            yield return $"{id}: {after.Phase} ({after.Reason}), expected Up";
            yield break;
        }

        var wiring = simulator.WiringOf(id);
        if (wiring is not { DataPlaneUp: true } || wiring.Endpoint != after.Endpoint || !simulator.ConnectionsAt(after.Endpoint!).Contains(id))
        {
            yield return $"{id}: Up at {after.Endpoint} but the simulator has {(wiring is null ? "no wiring" : $"it at {wiring.Endpoint}, data plane {(wiring.DataPlaneUp ? "up" : "down")}")}";
        }

        var hits = ledger.HitsOf(id);
        var reselects = Accepted(simulator, id).Where(r => r.Reselect).ToList();
        if (hits.Count == 0 && after.Endpoint != before.Endpoint)
        {
            yield return $"{id}: only control-plane faults touched it, yet it moved from {before.Endpoint} to {after.Endpoint} ({Heals(after)})";
        }

        // Invariant 3, heal by heal: a reselect answers a data-plane fault that hit since the reselect before it. One
        // without is a control-plane failure, or a heal already done, that moved the endpoint. (A restore may or may not
        // repair a vWire, so only a reselect uses a fault up.)
        var previous = DateTimeOffset.MinValue;
        foreach (var reselect in Moves(simulator, id))
        {
            if (!hits.Any(hit => hit.At > previous && hit.At < reselect.Timestamp))
            {
                var since = previous == DateTimeOffset.MinValue ? "it was registered" : $"its reselect at {previous:HH:mm:ss.fff}";
                yield return $"{id}: reselected to {reselect.Endpoint} at {reselect.Timestamp:HH:mm:ss.fff} with no data-plane fault since {since} ({Heals(after)})";
            }

            previous = reselect.Timestamp;
        }

        // The seed's other half: a dead NSE or a broken vWire is healed only by a new endpoint.
        if (hits.Count > 0 && hits[^1] is { Fault: DataPlaneFault.NseKilled or DataPlaneFault.VWireBroken } last && !reselects.Any(r => r.Timestamp > last.At))
        {
            yield return $"{id}: {last.Fault} at {last.Endpoint} ({last.At:HH:mm:ss.fff}), but no reselect was accepted after it ({Heals(after)})";
        }
    }

    /// <summary>
    /// The reselects that moved the connection. One accepted at the NSE where the connection's previous accepted Request
    /// put it moved nothing: the retry of a reselect whose answer was lost with its silo, served again at the same NSE
    /// by an NSMgr that restarted and forgot the first. One the NSMgr served after its caller stopped waiting (its
    /// deadline passed while the NSMgr was busy, or its silo died) is the NSMgr's doing, which the client could not learn
    /// of: the client's next reselect answers the same fault, and only that one counts.
    /// </summary>
    private static IEnumerable<RequestRecord> Moves(NsmSimulator simulator, string id)
    {
        string? heldAt = null;
        foreach (var request in Accepted(simulator, id))
        {
            if (request.Reselect && request.Endpoint != heldAt && !request.CallerLeft)
            {
                yield return request;
            }

            heldAt = request.Endpoint;
        }
    }

    private static IEnumerable<RequestRecord> Accepted(NsmSimulator simulator, string id) =>
        simulator.Records.Requests(id).Where(r => r.Outcome == StatusCode.OK);

    private static string Heals(ConnectionSnapshot snapshot) =>
        "heals: " + string.Join("; ", snapshot.History.Select(h => $"{h.Trigger}→{h.Decision} {h.Outcome} {h.EndpointBefore}→{h.EndpointAfter}"));
}
