using Grpc.Core;
using Nsm.Simulator;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>What must hold once a crash is over: nothing lost, each heal done once, invariants 1 and 2 kept.</summary>
public static class RecoveryAssertions
{
    public static void HealedAndUnchanged(
        NsmSimulator simulator,
        IReadOnlyDictionary<string, ConnectionSnapshot> registered,
        IReadOnlyDictionary<string, ConnectionSnapshot> final,
        IReadOnlyCollection<string> healing)
    {
        Assert.Equal(registered.Count, final.Count);
        foreach (var (id, before) in registered)
        {
            var after = final[id];
            Assert.Equal(ConnectionPhase.Up, after.Phase);
            Assert.True(simulator.IsDataPlaneUp(id), $"the data plane of {id} is not up at the simulator");
            Assert.Equal(simulator.WiringOf(id)!.Endpoint, after.Endpoint);
            // Invariant 1: never two calls in flight for one connection, across the crash too.
            Assert.True(simulator.Records.PeakInFlight(id) <= 1, $"{id} had {simulator.Records.PeakInFlight(id)} calls in flight at once");
            var reselects = simulator.Records.Requests(id).Count(r => r.Reselect && r.Outcome == StatusCode.OK);
            if (healing.Contains(id))
            {
                Assert.NotEqual(before.Endpoint, after.Endpoint);
                Assert.Contains(after.History, heal => (heal.Trigger, heal.Decision, heal.Outcome) == (HealTrigger.DataPlaneDown, HealDecision.Reselect, HealOutcome.Healed));
                // The heal resumed after the crash; it did not run again once done.
                Assert.True(reselects == 1, $"{id} was reselected {reselects} times");
            }
            else
            {
                // Unchanged: the same NSE, forwarders and addresses. A restore may have renewed its tokens; nothing else.
                Assert.Equal(before.Endpoint, after.Endpoint);
                Assert.Equal(SegmentNames(before.Connection!), SegmentNames(after.Connection!));
                Assert.Equal(before.Connection!.Context.IpContext, after.Connection!.Context.IpContext);
                Assert.True(reselects == 0, $"{id} was reselected {reselects} times");
            }
        }

        // Invariant 2: Close before reselect, so no NSE ever held a connection twice.
        Assert.Empty(simulator.Records.Duplicates());
    }

    /// <summary>
    /// Restores accepted by the NSMgr beyond the connections' first Request: not wrong (same endpoint, same data
    /// plane) but work a crash caused, e.g. monitor reconciliation after its stream moved. Reported, not asserted.
    /// </summary>
    public static int RestoresBeyondFirstRequest(NsmSimulator simulator, IEnumerable<string> ids) =>
        ids.Sum(id => simulator.Records.Requests(id).Skip(1).Count(r => !r.Reselect && r.Outcome == StatusCode.OK));

    private static IReadOnlyList<string> SegmentNames(Nsm.Api.Connection connection) => [.. connection.Path.PathSegments.Select(segment => segment.Name)];
}
