namespace Nsm.Healing.Cli.Tests.Support;

/// <summary>Waits on a condition with a deadline — never a fixed sleep. Fails with what was awaited.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task True(Func<bool> condition, Func<string> what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {(timeout ?? DefaultTimeout).TotalSeconds} s waiting for: {what()}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    public static async Task Phase(IGrainFactory grains, string id, ConnectionPhase phase, Func<ConnectionSnapshot, bool>? predicate = null)
    {
        ConnectionSnapshot? last = null;
        var deadline = DateTime.UtcNow + DefaultTimeout;
        while (true)
        {
            last = await grains.GetGrain<IConnectionGrain>(id).GetState();
            if (last.Phase == phase && (predicate?.Invoke(last) ?? true))
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"connection {id} did not reach {phase} (last: {last.Phase} {last.Reason})");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }
}
