using System.Diagnostics;

namespace Nsm.Healing.LocalProcesses;

/// <summary>Waits on a condition with a deadline, never a fixed sleep; fails naming what was awaited.</summary>
internal static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);

    /// <exception cref="TimeoutException">Naming what was awaited, with <paramref name="diagnostics"/>.</exception>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string> diagnostics, CancellationToken cancellation)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for: {what}\n{diagnostics()}");
            }

            await Task.Delay(Interval, cancellation);
        }
    }
}
