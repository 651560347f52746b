using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// Every process the tests started and have not disposed. Disposal kills them; this is the last resort when
/// the test runner exits without disposing (an aborted run), so no silo or redis-server outlives it.
/// </summary>
public static class ChildProcesses
{
    private static readonly ConcurrentDictionary<int, Process> Running = new();

    static ChildProcesses() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var process in Running.Values)
        {
            KillQuietly(process);
        }
    };

    public static Process Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
        Running[process.Id] = process;
        return process;
    }

    /// <summary>SIGKILL unless it already exited, then waits until it is gone.</summary>
    public static async Task KillAsync(Process process)
    {
        KillQuietly(process);
        await process.WaitForExitAsync();
    }

    public static void Forget(Process process) => Running.TryRemove(process.Id, out _);

    private static void KillQuietly(Process process)
    {
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }
}
