using Nsm.Simulator.Recording;

namespace Nsm.Simulator.Control;

/// <summary>Builds the control surface's topology and stats views from one consistent read of the simulator.</summary>
internal static class ControlSnapshots
{
    public static TopologyView Topology(NsmSimulator simulator) => simulator.Simulation.Inspect(state => new TopologyView(
        state.TokenLifetime,
        [.. simulator.Topology.Nodes.Select(node => new NodeView(
            node.Name,
            new NsmgrView(node.Nsmgr, state.Nsmgrs[node.Nsmgr].Up, simulator.NsmgrAddress(node.Nsmgr), node.UnixSocket),
            [.. state.Fabric.Forwarders.Where(f => f.Node == node.Name).Select(f => new ForwarderView(f.Name, f.Alive, f.Incarnation))],
            [.. state.Fabric.Nses.Where(nse => nse.Node == node.Name).Select(nse => new NseView(nse.Name, nse.Services, nse.Alive))]))]));

    public static StatsView Stats(NsmSimulator simulator)
    {
        var records = simulator.Records;
        var requests = records.Requests();
        var closes = records.Closes();
        var (wired, nsmgrs) = simulator.Simulation.Inspect(state => (
            state.Fabric.WiredConnectionCount,
            state.NsmgrNames.Select(name => (Name: name, state.Nsmgrs[name].Up, state.Nsmgrs[name].Connections.Count)).ToList()));
        return new StatsView(
            requests.Count,
            requests.Count(r => r.Outcome != Grpc.Core.StatusCode.OK),
            new CloseCountsView(
                closes.Count(c => c.Reason == CloseReason.Client),
                closes.Count(c => c.Reason == CloseReason.Expired),
                closes.Count(c => c.Reason == CloseReason.Reselect)),
            records.Duplicates().Count,
            wired,
            records.Concurrency.HighestPeakInFlight(),
            [.. nsmgrs.Select(n => new NsmgrStatsView(
                n.Name,
                n.Up,
                n.Count,
                records.OpenMonitorStreams(n.Name),
                records.MonitorStreamsOpened(n.Name),
                records.ConcurrentRequests(n.Name),
                records.PeakConcurrentRequests(n.Name)))]);
    }
}
