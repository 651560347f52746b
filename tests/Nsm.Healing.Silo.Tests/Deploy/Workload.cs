using YamlDotNet.RepresentationModel;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>A Deployment, StatefulSet or DaemonSet: its pod template's labels, containers, volumes and the ports they expose.</summary>
public sealed record Workload(Manifest Manifest)
{
    public static IReadOnlyList<Workload> In(IEnumerable<Manifest> manifests) =>
        [.. manifests.Where(m => m.Kind is "Deployment" or "StatefulSet" or "DaemonSet").Select(m => new Workload(m))];

    public YamlNode? PodSpec => Manifest.At("spec", "template", "spec");

    public IReadOnlyDictionary<string, string> PodLabels => Manifest.Map(Manifest.Root, "spec", "template", "metadata", "labels");

    public IReadOnlyDictionary<string, string> Selector => Manifest.Map(Manifest.Root, "spec", "selector", "matchLabels");

    public IEnumerable<YamlNode> Containers => Manifest.Items(PodSpec, "containers");

    public IEnumerable<YamlNode> Volumes => Manifest.Items(PodSpec, "volumes");

    public YamlNode Container(string name) => Containers.Single(c => Manifest.Text(c, "name") == name);

    /// <summary>Named container ports and their numbers, across all containers.</summary>
    public IReadOnlyDictionary<string, int> Ports => Containers
        .SelectMany(c => Manifest.Items(c, "ports"))
        .ToDictionary(p => Manifest.Text(p, "name")!, p => int.Parse(Manifest.Text(p, "containerPort")!));

    public bool Selects(IReadOnlyDictionary<string, string> selector) =>
        selector.Count > 0 && selector.All(label => PodLabels.TryGetValue(label.Key, out var value) && value == label.Value);
}
