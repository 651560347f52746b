namespace Nsm.Healing.Placement;

/// <summary>Where a node name travels: in each silo's published metadata, and in the request context of a first Request.</summary>
public static class NodeKeys
{
    /// <summary>Silo metadata key: the node the silo runs on.</summary>
    public const string SiloMetadata = "nsm.node";

    /// <summary>Request context key: the node of the connection a call is for, before its state says so.</summary>
    public const string RequestContext = "nsm.node";
}
