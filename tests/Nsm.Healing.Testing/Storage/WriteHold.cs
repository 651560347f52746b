namespace Nsm.Healing.Testing;

/// <summary>A write held back: <see cref="Reached"/> completes once it waits, <see cref="Release"/> lets it go.</summary>
public sealed class WriteHold
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    internal Task Wait()
    {
        _reached.TrySetResult();
        return _released.Task;
    }
}
