namespace Nsm.Healing.Benchmarks;

/// <summary>Waits on a condition with a deadline, polling; fails naming what it waited for.</summary>
public static class Wait
{
    public static async Task Until(Func<bool> condition, string what, TimeSpan timeout, TimeSpan? poll = null) =>
        await Until(() => Task.FromResult(condition()), what, timeout, poll);

    public static async Task Until(Func<Task<bool>> condition, string what, TimeSpan timeout, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds} s waiting for {what}");
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(20));
        }
    }
}
