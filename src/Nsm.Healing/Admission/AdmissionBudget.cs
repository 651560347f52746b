namespace Nsm.Healing.Admission;

/// <summary>
/// Storm control for one NSMgr (DESIGN.md §6), as plain code: a concurrency budget for heals that starts
/// small after the NSMgr returns and grows by one per heal the NSMgr served (slow start, doubling per round),
/// halves when the NSMgr stops answering, and leases permits so a holder that died gives its permit back.
/// Heals turned away wait in a FIFO queue and are handed a permit as one frees: waves, no polling.
/// </summary>
public sealed class AdmissionBudget
{
    private readonly Dictionary<string, DateTimeOffset> _permits = new(StringComparer.Ordinal);
    private readonly Queue<string> _queue = new();
    private readonly HashSet<string> _queued = new(StringComparer.Ordinal);
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

    /// <summary>Heals waiting for a permit: the admission queue depth.</summary>
    public int Waiting => _queued.Count;

    /// <summary>Admits <paramref name="holder"/> if the budget allows (idempotent for a holder that already has a permit); queues it otherwise.</summary>
    public bool TryAdmit(string holder, DateTimeOffset now)
    {
        ReclaimExpired(now);
        if (_permits.ContainsKey(holder) || (_permits.Count < Budget && _queued.Count == 0))
        {
            _permits[holder] = now + _lease;
            return true;
        }

        if (_queued.Add(holder))
        {
            _queue.Enqueue(holder);
        }

        return false;
    }

    /// <summary>
    /// A silo's standing permit, held in reserve so an isolated heal starts without asking first. Granted, and
    /// renewed, only while nobody queues: renewing it while heals wait gives it up, so in a storm every permit
    /// serves a queued heal. Never queues itself.
    /// </summary>
    public bool TryReserve(string holder, DateTimeOffset now)
    {
        ReclaimExpired(now);
        if (_queued.Count > 0)
        {
            _permits.Remove(holder);
            return false;
        }

        if (_permits.ContainsKey(holder) || _permits.Count < Budget)
        {
            _permits[holder] = now + _lease;
            return true;
        }

        return false;
    }

    /// <summary>
    /// A permit handed back unused (a reserve, or a heal that went ahead on a reserve): frees it, or the holder's place
    /// in the queue, without counting as a heal served or failed.
    /// </summary>
    public void GiveBack(string holder)
    {
        _permits.Remove(holder);
        _queued.Remove(holder);
    }

    /// <param name="nsmgrAnswered">False when the NSMgr did not answer (down, overloaded): shrink instead of grow.</param>
    public void Release(string holder, bool nsmgrAnswered)
    {
        if (_permits.Remove(holder))
        {
            Budget = nsmgrAnswered ? Math.Min(_maxConcurrency, Budget + 1) : Math.Max(_initialBudget, Budget / 2);
        }
    }

    /// <summary>The NSMgr came back (after an outage): start slow again.</summary>
    public void Restart() => Budget = _initialBudget;

    /// <summary>Grants free permits to the longest-waiting heals, in order; returns whom to tell.</summary>
    public IReadOnlyList<string> AdmitWaiting(DateTimeOffset now)
    {
        ReclaimExpired(now);
        var admitted = new List<string>();
        while (_permits.Count < Budget && _queue.TryDequeue(out var holder))
        {
            if (!_queued.Remove(holder))
            {
                // Gave its place back while waiting.
                continue;
            }

            _permits[holder] = now + _lease;
            admitted.Add(holder);
        }

        return admitted;
    }

    private void ReclaimExpired(DateTimeOffset now)
    {
        foreach (var (holder, _) in _permits.Where(p => p.Value <= now).ToList())
        {
            _permits.Remove(holder);
        }
    }
}
