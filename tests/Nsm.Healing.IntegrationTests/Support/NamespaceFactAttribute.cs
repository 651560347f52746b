using System.Diagnostics;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// A test that creates network namespaces of its own. Where that is impossible (not root, no CAP_SYS_ADMIN, no
/// unshare) it is reported skipped with the reason, never passed silently. Checked once per test run.
/// </summary>
public sealed class NamespaceFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    public NamespaceFactAttribute()
    {
        if (Unavailable.Value is { } reason)
        {
            Skip = reason;
        }
    }

    private static string? Probe()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", "--net true") { RedirectStandardError = true })!;
            var error = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0 ? null : $"cannot create network namespaces here (`unshare --net` exited {probe.ExitCode}: {error.Trim()}); run as root or with CAP_SYS_ADMIN";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"cannot create network namespaces here: unshare is missing ({e.Message}); install util-linux";
        }
    }
}
