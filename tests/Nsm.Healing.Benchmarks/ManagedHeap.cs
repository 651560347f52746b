using System.Runtime;

namespace Nsm.Healing.Benchmarks;

/// <summary>The managed heap after full, compacting collections, so what is measured is what is still referenced.</summary>
public static class ManagedHeap
{
    public static long Measure()
    {
        // Twice: finalizers run after the first may free more. Compacting the large-object heap too, so a set that grew
        // in steps (the monitor's registrations) leaves no free gaps counted as held.
        for (var pass = 0; pass < 2; pass++)
        {
            GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: false);
    }
}
