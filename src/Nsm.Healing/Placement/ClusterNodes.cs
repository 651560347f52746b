using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Nsm.Healing.Placement;

/// <summary>Which live silos run on which node, from membership and the node each silo publishes in its metadata.</summary>
public sealed class ClusterNodes(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    /// <summary>The active silos on <paramref name="node"/>, among <paramref name="candidates"/> when given.</summary>
    public SiloAddress[] SilosOn(string node, IEnumerable<SiloAddress>? candidates = null)
    {
        var silos = candidates ?? membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Active).Select(m => m.SiloAddress);
        return [.. silos.Where(silo => NodeOf(silo) == node)];
    }

    public string? NodeOf(SiloAddress silo) => metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(NodeKeys.SiloMetadata);
}
