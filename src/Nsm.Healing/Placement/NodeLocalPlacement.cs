using Orleans.Placement;

namespace Nsm.Healing.Placement;

/// <summary>
/// Activate a connection beside its NSMgr: on the silo of the connection's node when there is one (see
/// <see cref="NodeLocalPlacementDirector"/>); anywhere for a connection that names no node.
/// </summary>
[GenerateSerializer, Immutable, Alias("nsm.NodeLocalPlacement")]
public sealed class NodeLocalPlacement : PlacementStrategy
{
    public static NodeLocalPlacement Instance { get; } = new();
}

[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class NodeLocalPlacementAttribute() : PlacementAttribute(NodeLocalPlacement.Instance);
