namespace Nsm.Healing.Monitoring;

/// <summary>
/// Group commit for a grain's state: callers that arrive while a write runs share the one write after it,
/// so registering 10k connections costs a handful of writes, not 10k. Used only from one grain's turns.
/// </summary>
internal sealed class CoalescingWriter(Func<Task> write)
{
    private Task _current = Task.CompletedTask;
    private Task? _next;

    public Task WriteAsync()
    {
        if (_next is not null)
        {
            return _next;
        }

        return _current.IsCompleted ? _current = write() : _next = WriteAfterCurrent();
    }

    private async Task WriteAfterCurrent()
    {
        try
        {
            await _current;
        }
        catch
        {
            // The callers of that write saw its failure; this write carries the newer state regardless.
        }

        _next = null;
        _current = write();
        await _current;
    }
}
