using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace Nsm.Healing.Benchmarks;

/// <summary>One footprint measurement's heap readings, in the process that holds only the silo (and its client).</summary>
public sealed record FootprintSample(long HeapBefore, long HeapRegistered, long HeapDeactivated, double RegisterSeconds)
{
    public const string Marker = "FOOTPRINT-SAMPLE ";
}

/// <summary>
/// The footprint's dedicated process (mode <c>footprint-process</c>): a one-silo in-process cluster dialing a simulator
/// that runs in the parent, so nothing else in this heap grows with N. Registers N connections, reads the heap after
/// full collections, deactivates every connection grain, reads it again, and prints the readings on one line.
/// </summary>
public static class FootprintProcess
{
    public const string Mode = "footprint-process";

    /// <summary>The arguments that start this process's work (after the executable).</summary>
    /// <param name="gcdumpDirectory">Where to write a heap dump (dotnet-gcdump) with all N registered and one with none active; none when null.</param>
    public static IEnumerable<string> Arguments(int connections, string nsmgrAddress, string workloadApiSocket, string? redis, string idPrefix, string? gcdumpDirectory) =>
        [Mode, "--connections", connections.ToString(), "--nsmgr", nsmgrAddress, "--workload-api", workloadApiSocket, "--ids", idPrefix,
            .. redis is null ? Array.Empty<string>() : ["--redis", redis],
            .. gcdumpDirectory is null ? Array.Empty<string>() : ["--gcdump", gcdumpDirectory]];

    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var connections = int.Parse(Required(args, "--connections"));
        var address = Required(args, "--nsmgr");
        var idPrefix = Required(args, "--ids");
        await using var cluster = await BenchCluster.StartAsync(silos: 1, redisStorage: Optional(args, "--redis"), workloadApiSocket: Required(args, "--workload-api"));
        var topology = HealStormBenchmark.Topology(connections);
        var ids = Enumerable.Range(0, connections).Select(i => $"{idPrefix}-{i}").ToArray();
        var warmUp = $"{idPrefix}-warm-up";
        // One connection first, so the monitor stream, channel and grain types are warm and not charged to the N.
        await FootprintBenchmark.Register(cluster, address, warmUp, "");
        await Eventually.True(async () => (await cluster.Monitor(address).GetStatus()).StreamConnected, "the monitor stream", TimeSpan.FromSeconds(30));

        var before = ManagedHeap.Measure();
        var register = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, connections), new ParallelOptions { MaxDegreeOfParallelism = HealStormBenchmark.RegisterParallelism }, async (i, _) =>
            await FootprintBenchmark.Register(cluster, address, ids[i], HealStormBenchmark.SpreadOver(topology, i)));
        register.Stop();
        var registered = ManagedHeap.Measure();
        var dumps = Optional(args, "--gcdump");
        await DumpHeapAsync(dumps, $"{idPrefix}-registered");

        await cluster.DeactivateConnectionGrainsAsync([.. ids, warmUp]);
        var deactivated = ManagedHeap.Measure();
        await DumpHeapAsync(dumps, $"{idPrefix}-deactivated");
        await output.WriteLineAsync(FootprintSample.Marker + JsonSerializer.Serialize(new FootprintSample(before, registered, deactivated, register.Elapsed.TotalSeconds)));
        return 0;
    }

    /// <summary>What holds the bytes: a dotnet-gcdump of this process (the tool must be installed: dotnet tool install -g dotnet-gcdump).</summary>
    private static async Task DumpHeapAsync(string? directory, string name)
    {
        if (directory is null)
        {
            return;
        }

        Directory.CreateDirectory(directory);
        var start = new ProcessStartInfo("dotnet-gcdump") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var argument in new[] { "collect", "-p", Environment.ProcessId.ToString(), "-o", Path.Combine(directory, name + ".gcdump") })
        {
            start.ArgumentList.Add(argument);
        }

        using var tool = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet-gcdump");
        await tool.StandardOutput.ReadToEndAsync();
        await tool.WaitForExitAsync();
        if (tool.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet-gcdump exited with {tool.ExitCode}");
        }
    }

    private static string? Optional(string[] args, string name)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private static string Required(string[] args, string name) =>
        Optional(args, name) ?? throw new ArgumentException($"{Mode}: {name} is required");
}
