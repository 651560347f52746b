using Nsm.Healing.Silo.Configuration;
using Orleans.Hosting.Kubernetes;

namespace Nsm.Healing.Silo.Hosting;

/// <summary>
/// Microsoft.Orleans.Hosting.Kubernetes, when the silo runs in a pod: the silo takes its pod's name, labels its pod with
/// the cluster and service ids, and up to two silos watch the cluster's pods, declaring a silo dead as soon as its pod is
/// deleted (faster and surer than missed probes). Clustering, state and reminders stay in Redis.
/// </summary>
public static class KubernetesHostingSiloBuilderExtensions
{
    /// <summary>Set in every container Kubernetes starts (the API server's service address).</summary>
    public const string InClusterVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>Whether Kubernetes hosting applies, given the setting and the value of <see cref="InClusterVariable"/>.</summary>
    public static bool Applies(KubernetesHostingMode mode, string? serviceHost) =>
        mode == KubernetesHostingMode.Auto && !string.IsNullOrWhiteSpace(serviceHost);

    public static ISiloBuilder UseKubernetesHostingInPods(this ISiloBuilder silo, HealingSiloOptions options) =>
        Applies(options.KubernetesHosting, Environment.GetEnvironmentVariable(InClusterVariable))
            ? silo.UseKubernetesHosting(hosting => hosting.Configure(Configure))
            : silo;

    /// <summary>
    /// The silo never deletes pods: a DaemonSet replaces its own, and the RBAC grants no delete (the only call that needs it).
    /// </summary>
    public static void Configure(KubernetesHostingOptions hosting) => hosting.DeleteDefunctSiloPods = false;
}
