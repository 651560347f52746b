using System.ComponentModel;
using System.Diagnostics;

namespace Nsm.Healing.LocalProcesses;

/// <summary>Whether this machine lets us create network namespaces (<see cref="NetnsProcess"/>); probed once per process.</summary>
public static class NetworkNamespaces
{
    private static readonly Lazy<string?> Probed = new(Probe);

    /// <summary>Why network namespaces cannot be created here, or null when they can.</summary>
    public static string? Unavailable => Probed.Value;

    private static string? Probe()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", "--net true") { RedirectStandardError = true, UseShellExecute = false })!;
            var error = probe.StandardError.ReadToEnd();
            probe.WaitForExit();
            return probe.ExitCode == 0
                ? null
                : $"cannot create network namespaces here (`unshare --net` exited {probe.ExitCode}: {error.Trim()}); run as root or with CAP_SYS_ADMIN";
        }
        catch (Win32Exception e)
        {
            return $"cannot create network namespaces here: unshare is missing ({e.Message}); install util-linux";
        }
    }
}
