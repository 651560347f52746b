using Nsm.Simulator.Fabric;

namespace Nsm.Simulator.Expiry;

/// <summary>
/// Fires exactly when the earliest wiring's tokens expire, on the simulator's clock, so tests drive expiry
/// with FakeTimeProvider.Advance. A refresh just queues the new expiry; the stale entry is skipped when due.
/// </summary>
internal sealed class ExpiryScheduler : IDisposable
{
    // A timer armed further ahead is re-armed on waking, which keeps far-off expiries inside timer limits.
    private static readonly TimeSpan LongestArm = TimeSpan.FromHours(1);

    private readonly TimeProvider _time;
    private readonly Lock _gate;
    private readonly Action<Wire> _expire;
    private readonly PriorityQueue<Wire, DateTimeOffset> _due = new();
    private readonly ITimer _timer;
    private DateTimeOffset _armedFor = DateTimeOffset.MaxValue;

    /// <param name="expire">Called under <paramref name="gate"/> for each wiring whose expiry has passed.</param>
    public ExpiryScheduler(TimeProvider time, Lock gate, Action<Wire> expire)
    {
        _time = time;
        _gate = gate;
        _expire = expire;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Queues the wiring's current expiry. Callers hold the gate.</summary>
    public void Track(Wire wire)
    {
        _due.Enqueue(wire, wire.Expires);
        if (wire.Expires < _armedFor)
        {
            Arm(wire.Expires);
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Fire()
    {
        lock (_gate)
        {
            _armedFor = DateTimeOffset.MaxValue;
            var now = _time.GetUtcNow();
            while (_due.TryPeek(out var wire, out var dueAt) && dueAt <= now)
            {
                _due.Dequeue();
                if (wire.Expires <= now)
                {
                    _expire(wire);
                }
            }

            if (_due.TryPeek(out _, out var next))
            {
                Arm(next);
            }
        }
    }

    private void Arm(DateTimeOffset dueAt)
    {
        _armedFor = dueAt;
        var wait = dueAt - _time.GetUtcNow();
        _timer.Change(wait > LongestArm ? LongestArm : wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }
}
