using System.IO;
using System.Reflection;
using YamlDotNet.RepresentationModel;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>One YAML document of deploy/kubernetes, navigable by path ("spec", "template", "metadata", "labels").</summary>
public sealed record Manifest(string File, YamlMappingNode Root)
{
    public static string RepositoryRoot { get; } = typeof(Manifest).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "RepositoryRoot").Value!;

    public static string KubernetesDirectory => Path.Combine(RepositoryRoot, "deploy", "kubernetes");

    /// <summary>Every document of every *.yaml file in deploy/kubernetes.</summary>
    public static IReadOnlyList<Manifest> LoadAll() =>
    [
        .. Directory.GetFiles(KubernetesDirectory, "*.yaml").Order().SelectMany(file =>
        {
            var stream = new YamlStream();
            using var reader = new StreamReader(file);
            stream.Load(reader);
            return stream.Documents.Select(document => new Manifest(Path.GetFileName(file), (YamlMappingNode)document.RootNode));
        }),
    ];

    public string Kind => Text("kind")!;

    public string Name => Text("metadata", "name")!;

    public string Describe => $"{Kind} {Name} ({File})";

    public YamlNode? At(params string[] path) => At(Root, path);

    public string? Text(params string[] path) => (At(path) as YamlScalarNode)?.Value;

    public static YamlNode? At(YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }

        return node;
    }

    public static string? Text(YamlNode? node, params string[] path) => (At(node, path) as YamlScalarNode)?.Value;

    public static IEnumerable<YamlNode> Items(YamlNode? node, params string[] path) =>
        At(node, path) is YamlSequenceNode sequence ? sequence.Children : [];

    public static IReadOnlyDictionary<string, string> Map(YamlNode? node, params string[] path) =>
        At(node, path) is YamlMappingNode mapping
            ? mapping.Children.ToDictionary(entry => ((YamlScalarNode)entry.Key).Value!, entry => (entry.Value as YamlScalarNode)?.Value ?? "")
            : new Dictionary<string, string>();
}
