using System.Runtime.InteropServices;

namespace Nsm.Healing.LocalProcesses;

/// <summary>POSIX signals to child processes. SIGKILL goes through Process.Kill; .NET has no managed way to send SIGTERM.</summary>
internal static class Signals
{
    private const int SigTerm = 15;

    public static void Terminate(int pid)
    {
        if (Kill(pid, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}");
        }
    }

    // DllImport rather than LibraryImport: two ints need no marshalling code, and no unsafe blocks.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
