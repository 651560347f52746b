namespace Nsm.Simulator.Services;

/// <summary>
/// One NSMgr's Requests and Closes for one connection id, carried out one at a time in the order they arrived, as
/// upstream's <c>begin</c> element does with an executor per connection id. A call goes on to its end even when its
/// caller stops waiting (a deadline, a cancel, a client that died): <c>begin</c> runs the chain on a context of its own,
/// so a later call for the connection finds what the earlier one did, never the other way round.
/// </summary>
internal sealed class CallsInTurn
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task> _lastInTurn = new(StringComparer.Ordinal);

    /// <summary>Runs <paramref name="call"/> once every call queued before it for <paramref name="connectionId"/> has ended.</summary>
    public Task<T> Run<T>(string connectionId, Func<Task<T>> call)
    {
        Task<T> turn;
        lock (_lock)
        {
            var previous = _lastInTurn.GetValueOrDefault(connectionId) ?? Task.CompletedTask;
            turn = After(previous, call);
            _lastInTurn[connectionId] = turn;
        }

        _ = turn.ContinueWith(ended => Forget(connectionId, ended), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return turn;
    }

    private static async Task<T> After<T>(Task previous, Func<Task<T>> call)
    {
        // The earlier call's outcome is its caller's; this one only waits for it to end.
        await previous.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        return await call().ConfigureAwait(false);
    }

    private void Forget(string connectionId, Task ended)
    {
        // Observed here: a caller that stopped waiting never looks at how its call ended.
        _ = ended.Exception;
        lock (_lock)
        {
            if (_lastInTurn.TryGetValue(connectionId, out var last) && last == ended)
            {
                _lastInTurn.Remove(connectionId);
            }
        }
    }
}
