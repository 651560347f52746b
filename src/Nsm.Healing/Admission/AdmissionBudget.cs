namespace Nsm.Healing.Admission;

/// <summary>
/// Storm control for one NSMgr (DESIGN.md §6), as plain code: a concurrency budget for heals that starts
/// small after the NSMgr returns and grows by one per heal the NSMgr served (slow start, doubling per round),
/// halves when the NSMgr stops answering, and leases permits so a holder that died gives its permit back.
/// </summary>
public sealed class AdmissionBudget
{
    private readonly Dictionary<string, DateTimeOffset> _permits = new(StringComparer.Ordinal);
    private readonly HashSet<string> _waiting = new(StringComparer.Ordinal);
    private readonly int _initialBudget;
    private readonly int _maxConcurrency;
    private readonly TimeSpan _lease;

    public AdmissionBudget(int initialBudget, int maxConcurrency, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBudget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrency, initialBudget);
        _initialBudget = initialBudget;
        _maxConcurrency = maxConcurrency;
        _lease = lease;
        Budget = initialBudget;
    }

    public int Budget { get; private set; }

    public int InUse => _permits.Count;

    /// <summary>Heals turned away and not yet admitted: the admission queue depth.</summary>
    public int Waiting => _waiting.Count;

    /// <summary>Admits <paramref name="holder"/> if the budget allows (idempotent for a holder that already has a permit).</summary>
    /// <returns>True when admitted; otherwise the caller waits and asks again.</returns>
    public bool TryAdmit(string holder, DateTimeOffset now)
    {
        ReclaimExpired(now);
        if (_permits.ContainsKey(holder) || _permits.Count < Budget)
        {
            _permits[holder] = now + _lease;
            _waiting.Remove(holder);
            return true;
        }

        _waiting.Add(holder);
        return false;
    }

    /// <summary>
    /// How long a turned-away heal should wait, before jitter: longer the more heals queue per permit, so the
    /// queue drains in waves instead of hammering the admission with retries.
    /// </summary>
    public TimeSpan RetryBound(TimeSpan baseDelay) => baseDelay * (1 + (double)_waiting.Count / Budget);

    /// <param name="nsmgrAnswered">False when the NSMgr did not answer (down, overloaded): shrink instead of grow.</param>
    public void Release(string holder, bool nsmgrAnswered)
    {
        if (!_permits.Remove(holder))
        {
            return;
        }

        Budget = nsmgrAnswered ? Math.Min(_maxConcurrency, Budget + 1) : Math.Max(_initialBudget, Budget / 2);
    }

    /// <summary>The NSMgr came back (after an outage): start slow again.</summary>
    public void Restart() => Budget = _initialBudget;

    private void ReclaimExpired(DateTimeOffset now)
    {
        foreach (var (holder, expires) in _permits.Where(p => p.Value <= now).ToList())
        {
            _permits.Remove(holder);
        }
    }
}
