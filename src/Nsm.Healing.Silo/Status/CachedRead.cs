namespace Nsm.Healing.Silo.Status;

/// <summary>
/// One expensive read shared by every caller within <paramref name="freshFor"/>: callers that arrive while it runs
/// wait for it instead of starting their own, so polling /status costs one read per interval, however many poll.
/// </summary>
public sealed class CachedRead<T>(Func<CancellationToken, Task<T>> read, TimeSpan freshFor, TimeProvider time) where T : class
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private T? _value;
    private DateTimeOffset _readAt;

    public async Task<T> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } value)
        {
            return value;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } readMeanwhile)
            {
                return readMeanwhile;
            }

            var fresh = await read(cancellationToken);
            (_value, _readAt) = (fresh, time.GetUtcNow());
            return fresh;
        }
        finally
        {
            _gate.Release();
        }
    }

    private T? Fresh() => _value is { } value && time.GetUtcNow() - _readAt < freshFor ? value : null;
}
