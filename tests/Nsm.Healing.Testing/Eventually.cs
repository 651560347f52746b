namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>Waits on a condition with a deadline — never a fixed sleep. Fails with what was awaited.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task True(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        await True(() => Task.FromResult(condition()), what, timeout);
    }

    public static async Task True(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Waits until the connection is in <paramref name="phase"/> (and matches <paramref name="predicate"/>); returns that snapshot.</summary>
    public static async Task<ConnectionSnapshot> Phase(
        IConnectionGrain grain, ConnectionPhase phase, Func<ConnectionSnapshot, bool>? predicate = null, TimeSpan? timeout = null)
    {
        ConnectionSnapshot? last = null;
        await True(async () =>
            {
                last = await grain.GetState();
                return last.Phase == phase && (predicate?.Invoke(last) ?? true);
            },
            $"connection {grain.GetPrimaryKeyString()} to reach {phase}{(predicate is null ? "" : " with the expected state")} (last: {last?.Phase} {last?.Reason})",
            timeout);
        return last!;
    }
}
