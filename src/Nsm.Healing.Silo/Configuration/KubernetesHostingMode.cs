namespace Nsm.Healing.Silo.Configuration;

/// <summary>Whether the silo ties its identity to its pod (Microsoft.Orleans.Hosting.Kubernetes). "Nsm:Cluster:KubernetesHosting".</summary>
public enum KubernetesHostingMode
{
    /// <summary>On when the silo runs in a Kubernetes pod (KUBERNETES_SERVICE_HOST is set), off elsewhere.</summary>
    Auto,

    /// <summary>Never, even in a pod (e.g. a cluster whose RBAC grants the silo nothing).</summary>
    Off,
}
