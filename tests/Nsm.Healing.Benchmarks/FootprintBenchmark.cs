using System.Diagnostics;
using System.IO;
using System.Reflection;
using System.Text.Json;
using Nsm.Healing.LocalProcesses;
using Nsm.Simulator;
using Nsm.Simulator.Identity;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Managed memory per registered connection in one silo, the median of <see cref="Samples"/> (each in a fresh process):
/// held with every connection grain active and idle, what the activations held (given back when they are deactivated),
/// and what stays per connection with none active.
/// </summary>
public sealed record FootprintResult(
    string Storage,
    int Connections,
    double SiloBytesPerConnection,
    double SiloMinBytesPerConnection,
    double SiloMaxBytesPerConnection,
    double ActivationBytesPerConnection,
    double DeactivatedBytesPerConnection,
    double RegisterSeconds,
    IReadOnlyList<FootprintSample> Samples)
{
    /// <summary>Samples in which a component came out negative: noise larger than what is measured.</summary>
    public int NegativeSamples => Samples.Count(s => s.HeapRegistered < s.HeapDeactivated || s.HeapDeactivated < s.HeapBefore);
}

/// <summary>
/// Footprint: N connections registered in a one-silo cluster, Up and idle, with connection state in the silo's memory
/// (the Development profile) or in a real redis-server (the production profile's storage). Each repeat runs in a
/// dedicated process (<see cref="FootprintProcess"/>) holding only the silo and its client; the simulator it dials runs
/// here, so no share of it has to be estimated and subtracted.
/// </summary>
public static class FootprintBenchmark
{
    private const string Nsmgr = "nsmgr-1";

    /// <param name="redis">Connection state in this Redis (the production profile's storage); null: in the silo's memory.</param>
    /// <param name="gcdumpDirectory">Heap dumps of each repeat's process go here (see <see cref="FootprintProcess"/>); none when null.</param>
    public static async Task<FootprintResult> RunAsync(int connections, RedisServer? redis, int repeats, TextWriter log, string? gcdumpDirectory = null)
    {
        var storage = redis is null ? "memory" : "redis";
        var samples = new List<FootprintSample>();
        for (var repeat = 0; repeat < repeats; repeat++)
        {
            await using var sim = await NsmSimulator.StartAsync(HealStormBenchmark.Topology(connections));
            var sample = await MeasureInOwnProcessAsync(connections, sim.NsmgrAddress(Nsmgr), redis?.ConnectionString, $"footprint-{storage}-{repeat}-{Guid.NewGuid():N}", gcdumpDirectory);
            samples.Add(sample);
            log.WriteLine($"  footprint N={connections}, {storage} storage, repeat {repeat + 1}: {PerConnection(sample.HeapRegistered - sample.HeapBefore, connections):0} B held, " +
                          $"{PerConnection(sample.HeapRegistered - sample.HeapDeactivated, connections):0} B activations, {PerConnection(sample.HeapDeactivated - sample.HeapBefore, connections):0} B deactivated");
        }

        var silo = samples.Select(s => PerConnection(s.HeapRegistered - s.HeapBefore, connections)).ToArray();
        return new FootprintResult(
            storage, connections, Median(silo), silo.Min(), silo.Max(),
            Median(samples.Select(s => PerConnection(s.HeapRegistered - s.HeapDeactivated, connections))),
            Median(samples.Select(s => PerConnection(s.HeapDeactivated - s.HeapBefore, connections))),
            Median(samples.Select(s => s.RegisterSeconds)),
            samples);
    }

    internal static Task Register(BenchCluster cluster, string address, string id, string endpoint) =>
        cluster.Connection(id).Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(id, endpoint: endpoint), ClientName = "nsc-bench" });

    private static async Task<FootprintSample> MeasureInOwnProcessAsync(int connections, string address, string? redis, string idPrefix, string? gcdumpDirectory)
    {
        // This benchmark again, as its own apphost or through the dotnet host, whichever started this process.
        var host = Environment.ProcessPath ?? throw new InvalidOperationException("no process path to start the footprint process from");
        var arguments = Path.GetFileNameWithoutExtension(host) == "dotnet" ? [Assembly.GetEntryAssembly()!.Location] : new List<string>();
        arguments.AddRange(FootprintProcess.Arguments(connections, address, DevelopmentTrust.WorkloadApiSocket, redis, idPrefix, gcdumpDirectory));
        var start = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        arguments.ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {host}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            var line = (await stdout).Split('\n').LastOrDefault(l => l.StartsWith(FootprintSample.Marker, StringComparison.Ordinal));
            if (process.ExitCode != 0 || line is null)
            {
                throw new InvalidOperationException($"the footprint process exited with {process.ExitCode} and no sample:{Environment.NewLine}{await stderr}");
            }

            return JsonSerializer.Deserialize<FootprintSample>(line[FootprintSample.Marker.Length..])!;
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static double PerConnection(long bytes, int connections) => bytes / (double)connections;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
