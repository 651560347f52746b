namespace Nsm.Healing.Benchmarks;

/// <summary>The managed heap after full collections, so what is measured is what is still referenced.</summary>
public static class ManagedHeap
{
    public static long Measure()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
