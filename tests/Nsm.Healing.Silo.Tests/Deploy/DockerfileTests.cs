using System.IO;
using Nsm.Healing.Silo.Configuration;
using Nsm.Healing.Silo.Health;

namespace Nsm.Healing.Silo.Tests.Deploy;

/// <summary>deploy/Dockerfile checked without Docker: what it copies exists, and what it runs and exposes is the silo.</summary>
public sealed class DockerfileTests
{
    private static readonly IReadOnlyList<string> Lines = File.ReadAllLines(Path.Combine(Manifest.RepositoryRoot, "deploy", "Dockerfile"))
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .ToList();

    [Fact]
    public void It_builds_with_the_sdk_and_runs_on_the_aspnet_runtime()
    {
        var stages = Lines.Where(line => line.StartsWith("FROM ", StringComparison.Ordinal)).ToList();

        Assert.Equal(2, stages.Count);
        Assert.StartsWith("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", stages[0]);
        Assert.Equal("FROM mcr.microsoft.com/dotnet/aspnet:10.0", stages[1]);
    }

    [Fact]
    public void Everything_it_copies_from_the_repository_exists()
    {
        var sources = Lines
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source => Assert.True(Path.Exists(Path.Combine(Manifest.RepositoryRoot, source)), $"COPY source {source} does not exist"));
        Assert.True(File.Exists(Path.Combine(Manifest.RepositoryRoot, "deploy", "Dockerfile.dockerignore")));
    }

    [Fact]
    public void It_runs_the_silo_and_exposes_its_default_ports()
    {
        var defaults = new HealingSiloOptions();
        var silo = typeof(HealthEndpoints).Assembly.GetName().Name;

        Assert.Contains($"ENTRYPOINT [\"dotnet\", \"{silo}.dll\"]", Lines);
        Assert.Contains($"EXPOSE {defaults.SiloPort} {defaults.GatewayPort} {defaults.HttpPort}", Lines);
        Assert.Contains(Lines, line => line.StartsWith($"RUN dotnet publish src/{silo}/{silo}.csproj -c Release", StringComparison.Ordinal));
    }
}
