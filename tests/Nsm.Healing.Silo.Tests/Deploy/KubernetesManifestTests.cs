using System.IO;
using Microsoft.Extensions.Configuration;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Health;
using Nsm.Healing.Silo.Tests.Configuration;
using Nsm.Healing.Testing.Tls;
using YamlDotNet.RepresentationModel;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>
/// deploy/kubernetes checked offline: every document parses, every name a pod refers to exists, selectors
/// select, and what the manifests say about the silo (probe paths, ports, settings) is what the silo does.
/// </summary>
public sealed class KubernetesManifestTests
{
    private const string Namespace = "nsm-healing";

    private static readonly IReadOnlyList<Manifest> Manifests = Manifest.LoadAll();

    private static readonly IReadOnlyList<Workload> Workloads = Workload.In(Manifests);

    private static Workload Silo => Workloads.Single(w => w.Manifest.Name == "nsm-healing-silo");

    private static Workload Redis => Workloads.Single(w => w.Manifest.Kind == "StatefulSet" && w.Manifest.Name == "redis");

    [Fact]
    public void Every_document_names_its_api_kind_and_namespace()
    {
        Assert.NotEmpty(Manifests);
        foreach (var manifest in Manifests)
        {
            Assert.False(string.IsNullOrEmpty(manifest.Text("apiVersion")), $"{manifest.File}: no apiVersion");
            Assert.False(string.IsNullOrEmpty(manifest.Text("kind")), $"{manifest.File}: no kind");
            if (manifest.Kind is "Kustomization")
            {
                Assert.Equal(Namespace, manifest.Text("namespace"));
                continue;
            }

            Assert.False(string.IsNullOrEmpty(manifest.Text("metadata", "name")), $"{manifest.File}: no metadata.name");
            Assert.Equal(manifest.Kind == "Namespace" ? null : Namespace, manifest.Text("metadata", "namespace"));
        }
    }

    [Fact]
    public void The_kustomization_applies_every_manifest_and_only_files_that_exist()
    {
        var kustomization = Manifests.Single(m => m.Kind == "Kustomization");
        var listed = Manifest.Items(kustomization.Root, "resources").Select(r => ((YamlScalarNode)r).Value!).Order();
        var files = Manifests.Select(m => m.File).Distinct().Where(f => f != kustomization.File).Order();

        Assert.Equal(files, listed);
    }

    [Fact]
    public void Every_config_map_secret_key_and_volume_a_pod_uses_exists()
    {
        foreach (var workload in Workloads)
        {
            var volumes = workload.Volumes.Select(v => Manifest.Text(v, "name")!)
                .Concat(Manifest.Items(workload.Manifest.Root, "spec", "volumeClaimTemplates").Select(t => Manifest.Text(t, "metadata", "name")!))
                .ToHashSet();
            foreach (var container in workload.Containers)
            {
                foreach (var source in Manifest.Items(container, "envFrom"))
                {
                    if (Manifest.Text(source, "configMapRef", "name") is { } configMap)
                    {
                        Assert.NotNull(Named("ConfigMap", configMap));
                    }

                    if (Manifest.Text(source, "secretRef", "name") is { } secret)
                    {
                        Assert.NotNull(Named("Secret", secret));
                    }
                }

                var defined = new HashSet<string>();
                foreach (var variable in Manifest.Items(container, "env"))
                {
                    if (Manifest.At(variable, "valueFrom", "secretKeyRef") is { } secretKey)
                    {
                        AssertHasKey("Secret", Manifest.Text(secretKey, "name")!, Manifest.Text(secretKey, "key")!);
                    }

                    if (Manifest.At(variable, "valueFrom", "configMapKeyRef") is { } configKey)
                    {
                        AssertHasKey("ConfigMap", Manifest.Text(configKey, "name")!, Manifest.Text(configKey, "key")!);
                    }

                    // $(VAR) expands only variables defined earlier in the list.
                    foreach (var reference in References(Manifest.Text(variable, "value")))
                    {
                        Assert.Contains(reference, defined);
                    }

                    defined.Add(Manifest.Text(variable, "name")!);
                }

                foreach (var mount in Manifest.Items(container, "volumeMounts"))
                {
                    Assert.Contains(Manifest.Text(mount, "name")!, volumes);
                }
            }

            foreach (var volume in workload.Volumes)
            {
                var (kind, name) = Manifest.Text(volume, "secret", "secretName") is { } secret ? ("Secret", secret)
                    : Manifest.Text(volume, "configMap", "name") is { } configMap ? ("ConfigMap", configMap)
                    : (null, null);
                if (kind is null)
                {
                    continue;
                }

                var source = Manifest.At(volume, kind == "Secret" ? "secret" : "configMap");
                foreach (var item in Manifest.Items(source, "items"))
                {
                    AssertHasKey(kind, name!, Manifest.Text(item, "key")!);
                }

                Assert.NotNull(Named(kind, name!));
            }
        }
    }

    [Fact]
    public void Workloads_select_their_own_pods_and_services_select_pods_exposing_the_target_ports()
    {
        foreach (var workload in Workloads)
        {
            Assert.True(workload.Selects(workload.Selector), $"{workload.Manifest.Describe}: selector does not match its pod labels");
        }

        foreach (var service in Manifests.Where(m => m.Kind == "Service"))
        {
            var selected = Assert.Single(Workloads, w => w.Selects(Manifest.Map(service.Root, "spec", "selector")));
            foreach (var port in Manifest.Items(service.Root, "spec", "ports"))
            {
                var target = Manifest.Text(port, "targetPort") ?? Manifest.Text(port, "port")!;
                Assert.True(
                    int.TryParse(target, out var number) ? selected.Ports.Values.Contains(number) : selected.Ports.ContainsKey(target),
                    $"{service.Describe}: target port {target} is not a port of {selected.Manifest.Describe}");
            }
        }

        var headless = Named("Service", Redis.Manifest.Text("spec", "serviceName")!)!;
        Assert.Equal("None", headless.Text("spec", "clusterIP"));
    }

    [Fact]
    public void Silos_run_one_per_node_beside_nsmgr_seeing_its_socket_the_spire_agent_and_the_nodes_processes()
    {
        var container = Silo.Container("silo");
        var env = Manifest.Items(container, "env").ToDictionary(e => Manifest.Text(e, "name")!, e => e);
        var mounts = Manifest.Items(container, "volumeMounts").ToDictionary(m => Manifest.Text(m, "name")!, m => Manifest.Text(m, "mountPath"));
        var hostPaths = Silo.Volumes.Where(v => Manifest.At(v, "hostPath") is not null)
            .ToDictionary(v => Manifest.Text(v, "name")!, v => Manifest.Text(v, "hostPath", "path"));

        Assert.Equal("DaemonSet", Silo.Manifest.Kind);
        Assert.Equal("true", Manifest.Text(Silo.PodSpec, "hostPID"));
        Assert.Equal("spec.nodeName", Manifest.Text(env["NODE_NAME"], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("/var/lib/networkservicemesh", hostPaths["nsm-socket"]);
        Assert.Equal("/var/lib/networkservicemesh", mounts["nsm-socket"]);
        Assert.Equal("/run/spire/sockets", hostPaths["spire-agent-socket"]);
        Assert.Equal("unix:///run/spire/sockets/agent.sock", Manifest.Text(env["SPIFFE_ENDPOINT_SOCKET"], "value"));
        Assert.Equal(["SYS_PTRACE"], Manifest.Items(container, "securityContext", "capabilities", "add").Select(c => ((YamlScalarNode)c).Value));
    }

    [Fact]
    public void The_disruption_budget_covers_the_silos()
    {
        var budget = Manifests.Single(m => m.Kind == "PodDisruptionBudget");

        Assert.True(Silo.Selects(Manifest.Map(budget.Root, "spec", "selector", "matchLabels")));
        Assert.Equal("1", budget.Text("spec", "maxUnavailable"));
    }

    [Fact]
    public void Probes_use_the_silos_health_endpoints_on_its_http_port()
    {
        var container = Silo.Container("silo");
        var options = SiloSettings();

        Assert.Equal(HealthEndpoints.ReadyPath, Manifest.Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.LivePath, Manifest.Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal(HealthEndpoints.LivePath, Manifest.Text(container, "startupProbe", "httpGet", "path"));
        foreach (var probe in new[] { "readinessProbe", "livenessProbe", "startupProbe" })
        {
            Assert.Equal("http", Manifest.Text(container, probe, "httpGet", "port"));
        }

        Assert.Equal(options.HttpPort, Silo.Ports["http"]);
        Assert.Equal(options.SiloPort, Silo.Ports["silo"]);
        Assert.Equal(options.GatewayPort, Silo.Ports["gateway"]);
    }

    [Fact]
    public void The_silo_pods_settings_are_a_valid_redis_silo_configuration()
    {
        var options = SiloSettings();

        Assert.Equal(ClusterProfile.Redis, options.Profile);
        Assert.Equal("10.1.2.3", options.AdvertisedAddress);
        Assert.Equal("ConnectionStrings:redis", options.Redis.ConnectionStringSource);
        Assert.NotNull(options.Redis.CaCertificate);
        Assert.True(options.Tls is { Enabled: true, RequireClientCertificate: true }, "silo and gateway traffic is mutual TLS");
        Assert.True(
            int.Parse(Silo.Manifest.Text("spec", "template", "spec", "terminationGracePeriodSeconds")!) > options.ShutdownTimeout.TotalSeconds,
            "Kubernetes must not SIGKILL a silo before its graceful shutdown timeout");
    }

    [Fact]
    public void The_connection_string_names_the_redis_pod_by_its_stable_name_over_tls()
    {
        var connectionString = Value("Secret", "nsm-healing-redis", "connection-string");
        var host = $"{Redis.Manifest.Name}-0.{Redis.Manifest.Text("spec", "serviceName")}.{Namespace}.svc.cluster.local:{Redis.Ports["redis"]}";

        Assert.StartsWith(host + ",", connectionString);
        Assert.Contains("ssl=true", connectionString);
        Assert.Contains($"password={Value("Secret", "nsm-healing-redis", "password")}", connectionString);
    }

    [Fact]
    public void Redis_appends_every_write_to_a_persistent_volume_and_never_evicts()
    {
        var configuration = Value("ConfigMap", "nsm-healing-redis", "redis.conf").Split('\n').Select(line => line.Trim()).ToList();
        var container = Redis.Container("redis");

        Assert.Contains("appendonly yes", configuration);
        Assert.Contains(configuration, line => line is "appendfsync everysec" or "appendfsync always");
        Assert.Contains("maxmemory-policy noeviction", configuration);
        Assert.Contains("dir /data", configuration);
        Assert.Contains(Manifest.Items(container, "volumeMounts"), m => Manifest.Text(m, "name") == "data" && Manifest.Text(m, "mountPath") == "/data");
        Assert.Equal("/etc/redis/redis.conf", ((YamlScalarNode)Manifest.Items(container, "args").First()).Value);
        Assert.Contains(Manifest.Items(container, "volumeMounts"), m => Manifest.Text(m, "name") == "config" && Manifest.Text(m, "mountPath") == "/etc/redis");
        foreach (var file in configuration.Where(line => line.StartsWith("tls-", StringComparison.Ordinal) && line.Contains("/tls/")).Select(line => line.Split(' ')[1]))
        {
            Assert.Contains(Manifest.Items(Redis.Volumes.Single(v => Manifest.Text(v, "name") == "tls"), "secret", "items"), i => "/tls/" + Manifest.Text(i, "path") == file);
        }
    }

    /// <summary>
    /// The silo container's environment as the kubelet would build it (ConfigMap, literal values with the pod IP,
    /// secret values, the mounted CA file), loaded by the silo's own configuration code.
    /// </summary>
    private static HealingSiloOptions SiloSettings()
    {
        var container = Silo.Container("silo");
        var environment = new Dictionary<string, string>();
        foreach (var source in Manifest.Items(container, "envFrom"))
        {
            foreach (var (key, value) in Manifest.Map(Named("ConfigMap", Manifest.Text(source, "configMapRef", "name")!)!.Root, "data"))
            {
                environment[key] = value;
            }
        }

        foreach (var variable in Manifest.Items(container, "env"))
        {
            var name = Manifest.Text(variable, "name")!;
            environment[name] = Manifest.At(variable, "valueFrom", "fieldRef") is not null ? "10.1.2.3"
                : Manifest.At(variable, "valueFrom", "secretKeyRef") is { } secretKey ? Value("Secret", Manifest.Text(secretKey, "name")!, Manifest.Text(secretKey, "key")!)
                : References(Manifest.Text(variable, "value")).Aggregate(Manifest.Text(variable, "value")!, (value, reference) => value.Replace($"$({reference})", environment[reference]));
        }

        using var files = new TestCertificateAuthority();
        var (certificatePath, keyPath) = files.IssuePem("silo");
        var (certificate, privateKey, caCertificate) = (File.ReadAllText(certificatePath), File.ReadAllText(keyPath), File.ReadAllText(files.CaPath));
        var caKey = "Nsm__Cluster__Redis__CaCertificate";
        environment[caKey] = files.Write("ca.crt", MountedSecretFile(container, environment[caKey], caCertificate));
        foreach (var (tlsKey, standIn) in new[] { ("Certificate", certificate), ("Key", privateKey), ("CaCertificate", caCertificate) })
        {
            var variable = $"Nsm__Cluster__Tls__{tlsKey}";
            environment[variable] = files.Write($"cluster-tls-{tlsKey}", MountedSecretFile(container, environment[variable], standIn));
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ":"), (string?)e.Value)))
            .Build();
        return SiloConfiguration.Load(configuration);
    }

    /// <summary>
    /// Checks <paramref name="path"/> is a file the pod mounts from a Secret, and returns <paramref name="standIn"/> for
    /// its content: the example Secret holds placeholders, not a certificate.
    /// </summary>
    private static string MountedSecretFile(YamlNode container, string path, string standIn)
    {
        var mount = Manifest.Items(container, "volumeMounts").Single(m => path.StartsWith(Manifest.Text(m, "mountPath")! + "/", StringComparison.Ordinal));
        var volume = Silo.Volumes.Single(v => Manifest.Text(v, "name") == Manifest.Text(mount, "name"));
        var fileName = path[(Manifest.Text(mount, "mountPath")!.Length + 1)..];
        Assert.Contains(Manifest.Items(volume, "secret", "items"), item => Manifest.Text(item, "path") == fileName);
        return standIn;
    }

    private static IEnumerable<string> References(string? value) =>
        value is null ? [] : System.Text.RegularExpressions.Regex.Matches(value, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)").Select(m => m.Groups[1].Value);

    private static Manifest? Named(string kind, string name) => Manifests.SingleOrDefault(m => m.Kind == kind && m.Name == name);

    private static void AssertHasKey(string kind, string name, string key)
    {
        var manifest = Named(kind, name) ?? throw new Xunit.Sdk.XunitException($"no {kind} named {name}");
        Assert.True(Keys(manifest).ContainsKey(key), $"{manifest.Describe} has no key {key}");
    }

    private static string Value(string kind, string name, string key) => Keys(Named(kind, name)!)[key];

    private static IReadOnlyDictionary<string, string> Keys(Manifest manifest) =>
        Manifest.Map(manifest.Root, "data").Concat(Manifest.Map(manifest.Root, "stringData")).ToDictionary();
}
