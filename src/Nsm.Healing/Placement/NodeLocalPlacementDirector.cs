using Microsoft.Extensions.DependencyInjection;
using Nsm.Healing.Connections;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;
using Orleans.Runtime.Placement;
using Orleans.Storage;

namespace Nsm.Healing.Placement;

/// <summary>
/// Places a connection grain (and a node-local NSMgr's monitor grain) on a silo of the connection's node. The node comes from the request context of a first
/// Request, or else from the connection's stored state (one storage read per activation, not per call), so a reminder,
/// a monitor event or a migration after the node's silo came back all land on that node. With no live silo on the node
/// the grain activates here: it answers about the connection but makes no NSMgr call until it can move home.
/// </summary>
internal sealed class NodeLocalPlacementDirector([FromKeyedServices(HealingStorage.Name)] IGrainStorage storage, ClusterNodes nodes) : IPlacementDirector
{
    // An NSMgr monitor's node is in its key (see MonitorKey); a connection's in its first Request or its state.
    private static readonly GrainType MonitorGrainType = GrainType.Create("nsmgrmonitor");

    public async Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        if (IPlacementDirector.GetPlacementHint(target.RequestContextData, silos) is { } hint)
        {
            return hint;
        }

        var node = target.GrainIdentity.Type == MonitorGrainType
            ? MonitorKey.NodeOf(target.GrainIdentity.Key.ToString()!)
            : target.RequestContextData?.GetValueOrDefault(NodeKeys.RequestContext) as string ?? await StoredNode(target.GrainIdentity);
        if (string.IsNullOrEmpty(node))
        {
            return silos[Random.Shared.Next(silos.Length)];
        }

        var home = nodes.SilosOn(node, silos);
        return home.Length > 0 ? home[Random.Shared.Next(home.Length)]
            : silos.Contains(context.LocalSilo) ? context.LocalSilo : silos[Random.Shared.Next(silos.Length)];
    }

    private async Task<string?> StoredNode(GrainId grain)
    {
        var state = new GrainState<ConnectionState>(new ConnectionState());
        await storage.ReadStateAsync(ConnectionGrain.StateName, grain, state);
        return state.State?.NodeName;
    }
}
