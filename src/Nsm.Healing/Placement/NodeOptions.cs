namespace Nsm.Healing.Placement;

/// <summary>The node (Kubernetes node) this silo runs on. Bound from "Nsm:Cluster:NodeName", defaulting to NODE_NAME.</summary>
public sealed class NodeOptions
{
    public const string Section = "Nsm:Cluster";

    /// <summary>Empty when the silo does not know its node: it then serves only connections that name none.</summary>
    public string NodeName { get; set; } = Environment.GetEnvironmentVariable("NODE_NAME") ?? string.Empty;
}
