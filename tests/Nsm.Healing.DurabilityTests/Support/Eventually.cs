using System.Diagnostics;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>Waits on a condition with a deadline — never a fixed sleep. Fails with what was awaited.</summary>
public static class Eventually
{
    public static Task True(Func<bool> condition, string what, TimeSpan timeout, Func<string>? diagnostics = null) =>
        True(() => Task.FromResult(condition()), what, timeout, diagnostics);

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for: {what}{(diagnostics is null ? "" : "\n" + diagnostics())}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }
}
