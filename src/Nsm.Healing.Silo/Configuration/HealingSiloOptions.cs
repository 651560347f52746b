using Nsm.Healing.Cluster.Tls;

namespace Nsm.Healing.Silo.Configuration;

/// <summary>How this silo joins the healing cluster. Bound from configuration section "Nsm:Cluster".</summary>
public sealed class HealingSiloOptions
{
    public const string Section = "Nsm:Cluster";

    public ClusterProfile Profile { get; set; } = ClusterProfile.Development;

    /// <summary>Names this deployment of the cluster; silos and clients with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "nsm-healing";

    /// <summary>Names the service across deployments: grain state and reminders are keyed by it, so keep it stable.</summary>
    public string ServiceId { get; set; } = "nsm-healing";

    /// <summary>
    /// The node this silo runs on (one silo per node, beside its NSMgr), published in its silo metadata: connections
    /// that name this node are served here. Defaults to NODE_NAME (the downward API sets it in the DaemonSet).
    /// </summary>
    public string NodeName { get; set; } = Environment.GetEnvironmentVariable("NODE_NAME") ?? string.Empty;

    /// <summary>
    /// Kubernetes hosting (silo name = pod name, a silo whose pod is deleted is declared dead at once): Auto turns it on
    /// inside a pod. It needs the RBAC in deploy/kubernetes/silo-rbac.yaml.
    /// </summary>
    public KubernetesHostingMode KubernetesHosting { get; set; } = KubernetesHostingMode.Auto;

    /// <summary>
    /// The address other silos and clients reach this silo at (Redis profile), e.g. the pod IP. Empty: this
    /// host's own address as DNS resolves its name. The Development profile always uses loopback.
    /// </summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Silo-to-silo port (Orleans' default).</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>Port Orleans clients (NSCs, the CLI) connect to (Orleans' default).</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>Port of the health endpoints, <c>/status</c> and the dashboard, on <see cref="HttpBindAddress"/>.</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>
    /// The IP address <see cref="HttpPort"/> listens on, e.g. 127.0.0.1, 0.0.0.0 or ::. Empty: loopback on the
    /// Development profile (the dashboard and its log stream stay on this machine), every interface on the Redis
    /// profile (the kubelet probes the pod's address).
    /// </summary>
    public string? HttpBindAddress { get; set; }

    /// <summary>
    /// Development profile: the silo every other silo on this machine joins through, as ip:port of its silo
    /// port. Empty: this silo is the primary.
    /// </summary>
    public string? PrimarySiloEndpoint { get; set; }

    /// <summary>How long a graceful stop (SIGTERM) may take before the host gives up waiting on it.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public RedisConnectionOptions Redis { get; set; } = new();

    public FailureDetectionOptions FailureDetection { get; set; } = new();

    /// <summary>TLS on silo-to-silo and gateway traffic, section "Nsm:Cluster:Tls"; clients read the same section.</summary>
    public ClusterTlsOptions Tls { get; set; } = new();

    /// <summary>Section "Nsm:Telemetry", not "Nsm:Cluster": set by <see cref="SiloConfiguration"/>, never bound from here.</summary>
    public TelemetryOptions Telemetry { get; internal set; } = new();
}
