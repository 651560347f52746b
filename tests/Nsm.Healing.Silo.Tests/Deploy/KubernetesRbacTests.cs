using System.IO;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Text.RegularExpressions;
using Nsm.Healing.Silo.Hosting;
using Orleans.Hosting.Kubernetes;
using YamlDotNet.RepresentationModel;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>
/// The RBAC in deploy/kubernetes grants the silo exactly the Kubernetes API calls Microsoft.Orleans.Hosting.Kubernetes
/// makes, read from the package's own assembly (the k8s client methods it references), so a package upgrade that calls
/// something new fails here rather than in a cluster.
/// </summary>
public sealed partial class KubernetesRbacTests
{
    private static readonly IReadOnlyList<Manifest> Manifests = Manifest.LoadAll();

    [Fact]
    public void The_silos_role_grants_exactly_the_calls_the_hosting_package_makes()
    {
        var called = ApiCallsOf(typeof(KubernetesHostingOptions).Assembly);
        var hosting = new KubernetesHostingOptions();
        KubernetesHostingSiloBuilderExtensions.Configure(hosting);

        // The package deletes pods only with DeleteDefunctSiloPods, which the silo keeps off.
        Assert.Contains(("pods", "delete"), called);
        Assert.False(hosting.DeleteDefunctSiloPods);
        var needed = called.Where(call => call.Verb != "delete").Order().ToList();
        Assert.Equal([("pods", "get"), ("pods", "list"), ("pods", "patch"), ("pods", "watch")], needed);
        Assert.Equal(needed, GrantedToTheSilo().Order().ToList());
    }

    [Fact]
    public void The_silo_pods_run_as_the_bound_service_account_and_tell_the_package_their_name_and_namespace()
    {
        var silo = Workload.In(Manifests).Single(w => w.Manifest.Name == "nsm-healing-silo");
        var env = Manifest.Items(silo.Container("silo"), "env").ToDictionary(e => Manifest.Text(e, "name")!, e => e);

        Assert.Equal(ServiceAccount().Name, Manifest.Text(silo.PodSpec, "serviceAccountName"));
        Assert.Equal("metadata.name", Manifest.Text(env[KubernetesHostingOptions.PodNameEnvironmentVariable], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("metadata.namespace", Manifest.Text(env[KubernetesHostingOptions.PodNamespaceEnvironmentVariable], "valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("status.podIP", Manifest.Text(env[KubernetesHostingOptions.PodIPEnvironmentVariable], "valueFrom", "fieldRef", "fieldPath"));
        Assert.DoesNotContain(Manifests, m => m.Kind is "ClusterRole" or "ClusterRoleBinding");
    }

    [Theory]
    [InlineData("Auto", "10.96.0.1", true)]
    [InlineData("Auto", null, false)]
    [InlineData("Auto", "", false)]
    [InlineData("Off", "10.96.0.1", false)]
    public void Kubernetes_hosting_is_on_in_a_pod_unless_turned_off(string mode, string? serviceHost, bool expected) =>
        Assert.Equal(expected, KubernetesHostingSiloBuilderExtensions.Applies(Enum.Parse<Nsm.Healing.Silo.Configuration.KubernetesHostingMode>(mode), serviceHost));

    /// <summary>(resource, verb) of every rule of the Role bound to the silo's service account.</summary>
    private static IEnumerable<(string Resource, string Verb)> GrantedToTheSilo()
    {
        var account = ServiceAccount();
        var bindings = Manifests.Where(m => m.Kind == "RoleBinding" && Manifest.Items(m.Root, "subjects").Any(s =>
            Manifest.Text(s, "kind") == "ServiceAccount" && Manifest.Text(s, "name") == account.Name && Manifest.Text(s, "namespace") == account.Text("metadata", "namespace")));
        foreach (var binding in bindings)
        {
            Assert.Equal("Role", binding.Text("roleRef", "kind"));
            var role = Manifests.Single(m => m.Kind == "Role" && m.Name == binding.Text("roleRef", "name"));
            foreach (var rule in Manifest.Items(role.Root, "rules"))
            {
                Assert.Equal([""], Manifest.Items(rule, "apiGroups").Select(g => ((YamlScalarNode)g).Value));
                foreach (var resource in Manifest.Items(rule, "resources"))
                {
                    foreach (var verb in Manifest.Items(rule, "verbs"))
                    {
                        yield return (((YamlScalarNode)resource).Value!, ((YamlScalarNode)verb).Value!);
                    }
                }
            }
        }
    }

    private static Manifest ServiceAccount() => Manifests.Single(m => m.Kind == "ServiceAccount" && m.Name == "nsm-healing-silo");

    /// <summary>The namespaced core-API calls an assembly references, as RBAC (resource, verb) pairs.</summary>
    private static HashSet<(string Resource, string Verb)> ApiCallsOf(Assembly assembly)
    {
        using var file = File.OpenRead(assembly.Location);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var calls = new HashSet<(string, string)>();
        foreach (var handle in metadata.MemberReferences)
        {
            var name = metadata.GetString(metadata.GetMemberReference(handle).Name);
            if (KubernetesCall().Match(name) is not { Success: true } call)
            {
                continue;
            }

            var verb = call.Groups["op"].Value switch
            {
                "Read" => "get",
                "List" => "list",
                "WatchList" => "watch",
                "Patch" => "patch",
                "Delete" => "delete",
                "Create" => "create",
                "Replace" => "update",
                var other => throw new InvalidOperationException($"unknown Kubernetes API operation {other} in {name}"),
            };
            calls.Add((call.Groups["kind"].Value.ToLowerInvariant() + "s", verb));
        }

        return calls;
    }

    [GeneratedRegex("^(?<op>Read|List|WatchList|Patch|Delete|Create|Replace)Namespaced(?<kind>[A-Z][a-z]+)(WithHttpMessages)?Async$")]
    private static partial Regex KubernetesCall();
}
