using System.Diagnostics;
using System.IO;
using Nsm.Healing.Grains;
using Nsm.Healing.Hosting;
using Nsm.Healing.Identity;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;
using Microsoft.Extensions.Hosting;
using Nsm.Healing.LocalProcesses;
using Xunit.Abstractions;

namespace Nsm.Healing.PackageTests;

/// <summary>
/// The NSC packages as a user gets them: Nsm.Api, Nsm.Healing.Abstractions, Nsm.Healing.Cluster, Nsm.Netns and Nsm.Healing.Client are
/// packed to a local feed, a sample NSC outside the repository references Nsm.Healing.Client from that feed, and it registers,
/// closes one connection against a silo hosted in this process (on real sockets: the sample is another process) and the simulator.
/// </summary>
[Trait("Category", "Slow")]
public sealed class PackedClientTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Packages = ["Nsm.Api", "Nsm.Healing.Abstractions", "Nsm.Healing.Cluster", "Nsm.Netns", "Nsm.Healing.Client"];
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(4);
    private const string ClusterId = "package-test";
    private const string ServiceId = "package-test";

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("nsm-package-test-");
    private readonly int[] _ports = FreePorts.Take(2);
    private IHost _silo = null!;
    private NsmSimulator _simulator = null!;

    public async Task InitializeAsync()
    {
        _simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1, nsesPerNode: 1));
        _silo = Host.CreateDefaultBuilder()
            .UseOrleans(silo => silo
                .UseLocalhostClustering(siloPort: _ports[0], gatewayPort: _ports[1], serviceId: ServiceId, clusterId: ClusterId)
                .AddMemoryGrainStorage(HealingStorage.Name)
                .UseInMemoryReminderService()
                .AddNsmHealing(
                    configureNsmgr: nsmgr => nsmgr.AllowedAddresses = ["https://127.0.0.1:*"],
                    // Security on, as in production: the simulator's development SPIFFE Workload API gives the silo its SVID.
                    configureIdentity: identity =>
                    {
                        identity.Source = IdentitySource.WorkloadApi;
                        identity.WorkloadApiSocket = DevelopmentTrust.WorkloadApiSocket;
                    }))
            .Build();
        await _silo.StartAsync();
    }

    [Fact]
    public async Task A_sample_nsc_built_against_the_packed_client_requests_and_closes_a_connection()
    {
        // A version of its own, so no package cached by an earlier run stands in for what is packed now.
        var suffix = $"test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        var version = $"{RepositoryVersion()}-{suffix}";
        var feed = _work.CreateSubdirectory("feed");
        await DotnetAsync(Repository.FullName, "pack", PackagesFilter(), "-c", "Release", "-o", feed.FullName,
            "--artifacts-path", Path.Combine(_work.FullName, "artifacts"), $"-p:VersionSuffix={suffix}");

        foreach (var package in Packages)
        {
            Assert.True(File.Exists(Path.Combine(feed.FullName, $"{package}.{version}.nupkg")), $"{package} {version} was not packed");
            Assert.True(File.Exists(Path.Combine(feed.FullName, $"{package}.{version}.snupkg")), $"{package} {version} has no symbol package");
        }

        var sample = CopySample(feed);
        await DotnetAsync(sample.FullName, "build", "-c", "Release", $"-p:NsmHealingVersion={version}");

        var id = $"packaged-{Guid.NewGuid():N}";
        var printed = await DotnetAsync(sample.FullName, Path.Combine("bin", "Release", "net10.0", "SampleNsc.dll"),
            _ports[1].ToString(), ClusterId, ServiceId, _simulator.NsmgrAddress("nsmgr-1"), "ns-1", id);

        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains(lines, line => line.StartsWith($"{ConnectionPhase.Up} ", StringComparison.Ordinal));
        Assert.Equal(ConnectionPhase.Closed.ToString(), lines[^1]);
        Assert.Single(_simulator.Records.Requests(id));
        Assert.Single(_simulator.Records.Closes(id));
    }

    public async Task DisposeAsync()
    {
        await _silo.StopAsync();
        _silo.Dispose();
        await _simulator.DisposeAsync();
        _work.Delete(recursive: true);
    }

    private static DirectoryInfo Repository { get; } = FindRepository();

    private static DirectoryInfo FindRepository()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Nsm.Orleans.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException($"no Nsm.Orleans.sln above {AppContext.BaseDirectory}");
    }

    private static string RepositoryVersion()
    {
        var props = File.ReadAllText(Path.Combine(Repository.FullName, "Directory.Build.props"));
        var start = props.IndexOf("<VersionPrefix>", StringComparison.Ordinal) + "<VersionPrefix>".Length;
        return props[start..props.IndexOf("</VersionPrefix>", start, StringComparison.Ordinal)];
    }

    /// <summary>A solution filter of the packaged projects, so one pack restores and builds them together.</summary>
    private string PackagesFilter()
    {
        var projects = string.Join(", ", Packages.Select(package => $"\"src/{package}/{package}.csproj\""));
        var filter = Path.Combine(_work.FullName, "packages.slnf");
        File.WriteAllText(filter, $$"""{ "solution": { "path": "{{Path.Combine(Repository.FullName, "Nsm.Orleans.sln")}}", "projects": [{{projects}}] } }""");
        return filter;
    }

    /// <summary>The sample, copied out of the repository so none of its build settings apply, with the feed as a package source.</summary>
    private DirectoryInfo CopySample(DirectoryInfo feed)
    {
        var sample = _work.CreateSubdirectory("SampleNsc");
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "SampleNsc")))
        {
            File.Copy(file, Path.Combine(sample.FullName, Path.GetFileName(file)));
        }

        File.WriteAllText(Path.Combine(sample.FullName, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packed-here" value="{feed.FullName}" />
              </packageSources>
            </configuration>
            """);
        return sample;
    }

    private async Task<string> DotnetAsync(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // A nested build must not join the test host's MSBuild node or inherit its settings.
        start.Environment["MSBUILDNOINPROCNODE"] = "1";
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} did not finish within {CommandTimeout}");
        }

        var text = await stdout + await stderr;
        output.WriteLine($"$ dotnet {string.Join(' ', arguments)}\n{text}");
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited {process.ExitCode}:\n{text}");
        return await stdout;
    }
}
