using System.IO;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>What a new operator reads and installs: docs that stand alone and name what exists, and a lean tool.</summary>
public sealed partial class DocsAndPackagingTests
{
    private static readonly string Root = Manifest.RepositoryRoot;

    private static IEnumerable<string> Docs() =>
        Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Append(Path.Combine(Root, "README.md"));

    [Fact]
    public void No_doc_points_outside_the_repository_at_shared()
    {
        var pointers = Docs().SelectMany(file => File.ReadLines(file).Select((line, i) => (file, line, i)))
            .Where(x => x.line.Contains("shared/", StringComparison.Ordinal))
            .Select(x => $"{Path.GetFileName(x.file)}:{x.i + 1}: {x.line}");

        Assert.Empty(pointers);
    }

    [Fact]
    public void Every_doc_a_doc_names_exists()
    {
        var missing = Docs().SelectMany(file => DocReference().Matches(File.ReadAllText(file)).Select(m => (file, doc: m.Groups[1].Value)))
            .Where(x => !File.Exists(Path.Combine(Root, x.doc)))
            .Select(x => $"{Path.GetFileName(x.file)} names {x.doc}");

        Assert.Empty(missing);
    }

    [Fact]
    public void Operations_installs_the_package_id_the_cli_packs()
    {
        var project = XDocument.Load(Path.Combine(Root, "src", "Nsm.Healing.Cli", "Nsm.Healing.Cli.csproj"));
        var packageId = project.Descendants("PackageId").Single().Value;
        var operations = File.ReadAllText(Path.Combine(Root, "docs", "operations.md"));

        Assert.Equal("nsm-heal", packageId);
        var installs = InstallCommand().Matches(operations).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(installs);
        Assert.All(installs, id => Assert.Equal(packageId, id));
    }

    [Fact]
    public void The_cli_ships_no_compiler_assemblies_and_every_assembly_it_lists()
    {
        var configuration = typeof(DocsAndPackagingTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var output = Path.Combine(Root, "src", "Nsm.Healing.Cli", "bin", configuration, "net10.0");
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "nsm-heal.deps.json")));
        var runtime = deps.RootElement.GetProperty("targets").EnumerateObject().Single().Value.EnumerateObject()
            .Where(library => library.Value.TryGetProperty("runtime", out _))
            .SelectMany(library => library.Value.GetProperty("runtime").EnumerateObject().Select(asset => Path.GetFileName(asset.Name)))
            .ToList();

        Assert.Contains("Orleans.Core.dll", runtime);
        Assert.DoesNotContain(runtime, file => file.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)
            || file.StartsWith("Humanizer", StringComparison.Ordinal) || file.StartsWith("System.Composition", StringComparison.Ordinal));
        Assert.All(runtime, file => Assert.True(File.Exists(Path.Combine(output, file)), $"{file} is listed but not shipped"));
    }

    [GeneratedRegex(@"`(docs/[A-Za-z0-9_-]+\.md)`")]
    private static partial Regex DocReference();

    [GeneratedRegex(@"dotnet tool install [^`]*?--add-source \S+ (\S+?)`")]
    private static partial Regex InstallCommand();
}
