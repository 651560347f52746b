using System.IO;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Nsm.Healing;
using Nsm.Healing.Benchmarks;
using Nsm.Healing.LocalProcesses;

// dotnet run -c Release --project tests/Nsm.Healing.Benchmarks -- all|smoke|micro|footprint|single|storm|audit [--security on|off|both] [--audit N] [--samples N] [--storm N,N,...] [--silos N] [--storm-repeats N] [--footprint N,N,...]
var mode = args.FirstOrDefault() ?? "";
if (mode == FootprintProcess.Mode)
{
    // Started by the footprint benchmark: one measurement in a process of its own.
    return await FootprintProcess.RunAsync(args, Console.Out);
}

if (mode is not ("all" or "smoke" or "micro" or "footprint" or "single" or "storm" or "audit" or "render"))
{
    Console.Error.WriteLine("usage: Nsm.Healing.Benchmarks all|smoke|micro|footprint|single|storm|audit [--audit N] [--samples N] [--storm N,N,...] [--silos N] [--storm-repeats N] [--footprint N,N,...] [--footprint-repeats N] [--footprint-gcdump DIR] [--large-storm N] [--security on|off|both]");
    Console.Error.WriteLine("       Nsm.Healing.Benchmarks render   (docs/benchmarks.md again from BenchmarkResults/latest-all.json and the notes)");
    return 2;
}

var jsonOptions = new JsonSerializerOptions
{
    WriteIndented = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    Converters = { new JsonStringEnumConverter() },
};

if (mode == "render")
{
    // After editing the notes: the same numbers, the prose of now. Nothing is measured.
    var repository = RepositoryRoot();
    var latest = Path.Combine(repository, "BenchmarkResults", "latest-all.json");
    var saved = JsonSerializer.Deserialize<BenchmarkRun>(await File.ReadAllTextAsync(latest), jsonOptions)!;
    var savedNotes = await File.ReadAllTextAsync(Path.Combine(repository, "tests", "Nsm.Healing.Benchmarks", "benchmarks-notes.md"));
    var savedName = $"BenchmarkResults/{saved.Mode}-{saved.StartedAt:yyyyMMdd-HHmmss}.json";
    await File.WriteAllTextAsync(Path.Combine(repository, "docs", "benchmarks.md"), MarkdownReport.Render(saved, savedName, savedNotes));
    Console.WriteLine($"report: docs/benchmarks.md from {savedName}");
    return 0;
}

var smoke = mode == "smoke";
var samples = IntOption("--samples") ?? (smoke ? 5 : 100);
var storms = Option("--storm")?.Split(',').Select(int.Parse).ToArray() ?? (smoke ? [50] : [1000, 10000]);
var silos = IntOption("--silos") ?? 2;
var stormRepeats = IntOption("--storm-repeats") ?? (smoke ? 1 : 3);
var footprints = Option("--footprint")?.Split(',').Select(int.Parse).ToArray() ?? (smoke ? [200] : [10_000, 100_000]);
var footprintRepeats = IntOption("--footprint-repeats") ?? (smoke ? 1 : 3);
// What holds the bytes: each footprint process writes heap dumps here (needs dotnet-gcdump on the PATH).
var footprintDumps = Option("--footprint-gcdump");
var root = RepositoryRoot();
var log = Console.Out;
var started = DateTimeOffset.UtcNow;
var clock = Stopwatch.StartNew();
if (Debugger.IsAttached || !Stopwatch.IsHighResolution)
{
    log.WriteLine("warning: debugger attached or no high-resolution clock; numbers are not comparable");
}

var micro = new List<MicroResult>();
if (mode is "all" or "micro")
{
    log.WriteLine("micro-benchmarks (BenchmarkDotNet short run, in process)");
    micro.AddRange(MicroRun.Run(Path.Combine(root, "BenchmarkResults", "BenchmarkDotNet")));
    foreach (var m in micro)
    {
        log.WriteLine($"  {m.Name}: {m.MedianNs:0.0} ns, {m.AllocatedBytesPerOp} B/op");
    }
}

if (mode is "micro" or "footprint" or "storm" or "audit")
{
    samples = 0;
}

if (mode is "micro" or "footprint" or "single" or "audit")
{
    storms = [];
}

if (mode is "micro" or "single" or "storm" or "audit")
{
    footprints = [];
}

var footprint = new List<FootprintResult>();
if (footprints.Length > 0)
{
    // The production profile keeps connection state in Redis; without a redis-server only the memory profile runs.
    await using var redis = RedisServer.FindServer() is null ? null : await RedisServer.StartAsync();
    foreach (var n in footprints)
    {
        log.WriteLine($"footprint: {n} connections in one silo");
        footprint.Add(await FootprintBenchmark.RunAsync(n, redis: null, footprintRepeats, log, footprintDumps));
        if (redis is not null)
        {
            footprint.Add(await FootprintBenchmark.RunAsync(n, redis, footprintRepeats, log, footprintDumps));
        }
    }
}

if (samples > 0)
{
    log.WriteLine($"single-heal latency: {samples} samples per variant, {silos} silos");
}

var singleHeal = new List<SingleHealResult>();
var namespaceHeals = new List<NamespaceHealResult>();
// Security on (mTLS, a signed token per call) is what production runs; the same heals with it off price the signing.
// One part alone (single, storm) runs production's security only unless --security both asks for the priced pair.
var securityModes = SecurityModes(Option("--security") ?? (mode is "single" or "storm" ? "on" : "both"));
if (securityModes is null)
{
    Console.Error.WriteLine($"--security: expected on, off or both, got '{Option("--security")}'");
    return 2;
}

foreach (var secure in securityModes)
{
    await using var cluster = await BenchCluster.StartAsync(silos, secure: secure);
    foreach (var heal in samples > 0 ? [HealDecision.Restore, HealDecision.Reselect] : Array.Empty<HealDecision>())
    {
        singleHeal.Add(await SingleHealBenchmark.RunAsync(cluster, heal, samples, log, secure));
        if (secure)
        {
            namespaceHeals.Add(await NamespaceHealBenchmark.RunAsync(cluster, heal, samples, log));
        }
    }
}

var stormResults = new List<StormResult>();
var stormCases = storms.Select(n => (N: n, Latency: TimeSpan.Zero)).ToList();
if (mode == "all" && storms.Length > 0)
{
    // The simulator answers in microseconds, so concurrency at it barely builds up; a 5 ms NSMgr shows what storm control does.
    stormCases.Add((storms.Min(), TimeSpan.FromMilliseconds(5)));
}

foreach (var (n, latency) in stormCases)
{
    // A 10k round takes about a minute (mostly setting up 10k upstream streams); the baseline's 10k time varies a lot, so it repeats too.
    for (var round = 0; round < stormRepeats; round++)
    {
        log.WriteLine($"heal storm: N={n}, NSMgr latency {latency.TotalMilliseconds} ms, round {round + 1}");
        stormResults.Add(await HealStormBenchmark.RunUpstreamAsync(n, TimeSpan.FromMilliseconds(200), latency, log));
        if (securityModes.Contains(true))
        {
            stormResults.Add(await HealStormBenchmark.RunOursAsync(silos, n, latency, log));
        }

        if (securityModes.Contains(false))
        {
            stormResults.Add(await HealStormBenchmark.RunOursAsync(silos, n, latency, log, "c-plain", secure: false));
        }

        if (mode is not ("smoke" or "storm"))
        {
            // What-if, not the product's defaults: the monitor stream retries a lost NSMgr at most every 200 ms.
            stormResults.Add(await HealStormBenchmark.RunOursAsync(silos, n, latency, log, "c200", o => o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(200)));
        }
    }
}

// 100k: ours only, one round. The baseline would hold 100 000 gRPC streams (and clients) in this one process; it is
// not run at this size, and the report says so.
var largeStorm = IntOption("--large-storm") ?? (mode == "all" ? 100_000 : 0);
if (largeStorm > 0)
{
    log.WriteLine($"heal storm: N={largeStorm}, ours only, one round");
    stormResults.Add(await HealStormBenchmark.RunOursAsync(silos, largeStorm, TimeSpan.Zero, log));
}

var ingestion = mode is "all" or "smoke"
    ? await IngestionBenchmark.RunAsync(noOpEvents: smoke ? 2_000 : 100_000, changingEvents: smoke ? 500 : 5_000, rounds: smoke ? 1 : 3, log)
    : [];

// Real silo processes on a real redis-server: the Release build of the silo host must exist (.ci/run builds the solution).
var recovery = mode is "all" or "smoke"
    ? await RecoveryBenchmark.RunAsync(connections: smoke ? 20 : 200, healsInFlight: smoke ? 5 : 50, rounds: smoke ? 1 : 3, log)
    : [];

// What registering, a silo's death and /status cost at N connections.
var costs = mode is "all" or "smoke"
    ? await CostsBenchmark.RunAsync(connections: smoke ? 2_000 : 100_000, silos: 3, log)
    : [];

// The orphan audit of one large snapshot (1 % of it orphans); --audit N sets the snapshot's size.
var auditSize = IntOption("--audit") ?? (mode is "all" or "audit" ? 100_000 : smoke ? 5_000 : 0);
var audits = new List<AuditBenchResult>();
if (auditSize > 0)
{
    log.WriteLine($"orphan audit: a snapshot of {auditSize} connections");
    audits.Add(await OrphanAuditBenchmark.RunAsync(auditSize, orphans: Math.Max(1, auditSize / 100), log));
    if (mode == "audit")
    {
        log.WriteLine();
        log.Write(OrphanAuditReport.Render(audits));
    }
}

var simulatorBytes = mode is "all" or "smoke" && storms.Length > 0 ? await HealStormBenchmark.SimulatorBytesPerConnectionAsync(storms.Max()) : double.NaN;
var run = new BenchmarkRun(mode, started, clock.Elapsed.TotalSeconds, Machine.Current(), silos, samples, singleHeal, stormResults, micro, simulatorBytes, footprint, recovery, ingestion, costs, namespaceHeals, audits);
var resultsDirectory = Path.Combine(root, "BenchmarkResults");
Directory.CreateDirectory(resultsDirectory);
var resultsName = $"{mode}-{started:yyyyMMdd-HHmmss}.json";
var json = JsonSerializer.Serialize(run, jsonOptions);
await File.WriteAllTextAsync(Path.Combine(resultsDirectory, resultsName), json);
await File.WriteAllTextAsync(Path.Combine(resultsDirectory, $"latest-{mode}.json"), json);
log.WriteLine($"results: BenchmarkResults/{resultsName}");

if (mode == "all")
{
    var notes = await File.ReadAllTextAsync(Path.Combine(root, "tests", "Nsm.Healing.Benchmarks", "benchmarks-notes.md"));
    await File.WriteAllTextAsync(Path.Combine(root, "docs", "benchmarks.md"), MarkdownReport.Render(run, $"BenchmarkResults/{resultsName}", notes));
    log.WriteLine("report: docs/benchmarks.md");
}

log.WriteLine($"done in {clock.Elapsed.TotalSeconds:0} s");
return 0;

string? Option(string name)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}

static bool[]? SecurityModes(string value) => value switch
{
    "on" => [true],
    "off" => [false],
    "both" => [true, false],
    _ => null,
};

int? IntOption(string name) => Option(name) is { } value ? int.Parse(value) : null;

static string RepositoryRoot()
{
    for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
    {
        if (File.Exists(Path.Combine(directory.FullName, "Nsm.Orleans.sln")))
        {
            return directory.FullName;
        }
    }

    throw new InvalidOperationException("run from inside the repository (Nsm.Orleans.sln not found above the current directory)");
}
