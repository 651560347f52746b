using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Nsm.Healing.Benchmarks;

/// <summary>One micro-benchmark: median time per operation and bytes allocated per operation.</summary>
public sealed record MicroResult(string Name, double MedianNs, double? P95Ns, long? AllocatedBytesPerOp);

/// <summary>
/// Runs <see cref="MicroBenchmarks"/> with BenchmarkDotNet's short job, in process (no generated project to build, so
/// tests/Directory.Build.props never reaches it); well under a minute.
/// </summary>
public static class MicroRun
{
    public static IReadOnlyList<MicroResult> Run(string artifacts)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance))
            .AddLogger(NullLogger.Instance)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
        var summary = BenchmarkRunner.Run<MicroBenchmarks>(config);
        return [.. summary.Reports.Select(r => new MicroResult(
            r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
            r.ResultStatistics?.Median ?? double.NaN,
            r.ResultStatistics?.Percentiles.P95,
            r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase)))];
    }
}
