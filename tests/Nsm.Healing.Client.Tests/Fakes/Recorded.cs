namespace Nsm.Healing.Client.Tests.Fakes;

/// <summary>What a fake records from another thread, with a way for the test to wait for it under a deadline.</summary>
internal sealed class Recorded<T>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private readonly List<T> _items = [];
    private TaskCompletionSource _changed = NewSignal();

    public IReadOnlyList<T> Items
    {
        get
        {
            lock (_gate)
            {
                return [.. _items];
            }
        }
    }

    public int Count => Items.Count;

    public void Add(T item)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _items.Add(item);
            changed = _changed;
            _changed = NewSignal();
        }

        changed.SetResult();
    }

    /// <summary>Returns once at least <paramref name="count"/> items are recorded; fails the test after the deadline.</summary>
    public async Task WaitForCountAsync(int count)
    {
        var giveUpAt = DateTime.UtcNow + Deadline;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_items.Count >= count)
                {
                    return;
                }

                changed = _changed.Task;
            }

            var left = giveUpAt - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"Expected at least {count} recorded {typeof(T).Name} within {Deadline}, got {Count}.");
            }
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
