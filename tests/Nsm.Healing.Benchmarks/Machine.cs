using System.Runtime;
using System.Runtime.InteropServices;

namespace Nsm.Healing.Benchmarks;

/// <summary>Where a run happened, so numbers are never read without their machine.</summary>
public sealed record Machine(int Cores, double MemoryGiB, string Runtime, string Os, string Architecture, bool ServerGc)
{
    public static Machine Current() => new(
        Environment.ProcessorCount,
        Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        RuntimeInformation.ProcessArchitecture.ToString(),
        GCSettings.IsServerGC);
}
