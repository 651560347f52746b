using Nsm.Simulator.DataPlane;

namespace Nsm.Healing.Testing;

/// <summary>
/// A test with real interfaces. Where the kernel refuses (not root, no iproute2) it is reported skipped with the
/// reason, once per test; never passed silently.
/// </summary>
public sealed class KernelFactAttribute : FactAttribute
{
    public KernelFactAttribute()
    {
        if (KernelSupport.WhyUnavailable is { } reason)
        {
            Skip = $"kernel vWires are not possible here, the data plane stays modelled: {reason}";
        }
    }
}
