using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.Testing;

/// <summary>
/// A test that creates network namespaces of its own (<see cref="NetnsProcess"/>). Where that is impossible (not root,
/// no CAP_SYS_ADMIN, no unshare) it is reported skipped with the reason, never passed silently. Checked once per test run.
/// </summary>
public sealed class NamespaceFactAttribute : FactAttribute
{
    public NamespaceFactAttribute()
    {
        if (NetworkNamespaces.Unavailable is { } reason)
        {
            Skip = reason;
        }
    }
}
