using Orleans.Runtime.MembershipService.SiloMetadata;

namespace Nsm.Healing.Placement;

/// <summary>Which live silos run on which node, from membership and the node each silo publishes in its metadata.</summary>
public sealed class ClusterNodes(IClusterMembershipService membership, ISiloMetadataCache metadata)
{
    /// <summary>
    /// The active silos on <paramref name="node"/>, among <paramref name="candidates"/> when given. Membership decides what
    /// is active: placement's list of compatible silos can still name a silo that has just left.
    /// </summary>
    public SiloAddress[] SilosOn(string node, IEnumerable<SiloAddress>? candidates = null)
    {
        var members = membership.CurrentSnapshot.Members;
        var silos = candidates ?? members.Keys;
        return [.. silos.Where(silo => members.TryGetValue(silo, out var member) && member.Status == SiloStatus.Active && NodeOf(silo) == node)];
    }

    public string? NodeOf(SiloAddress silo) => metadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(NodeKeys.SiloMetadata);
}
