namespace Nsm.Healing.Admission;

/// <summary>
/// Storm control for one NSMgr (DESIGN.md §6), as plain code: a concurrency budget for heals that starts
/// small after the NSMgr returns and grows by one per heal the NSMgr served (slow start, doubling per round),
/// halves when the NSMgr stops answering, and leases permits so a holder that died gives its permit back.
/// Heals turned away wait in a FIFO queue and are handed a permit as one frees: waves, no polling.
/// A permit is leased for at least its heal's longest attempt, and the late Release of a permit already reclaimed
/// still counts as the NSMgr's verdict.
/// </summary>
public sealed class AdmissionBudget
{
    private readonly Dictionary<string, DateTimeOffset> _permits = new(StringComparer.Ordinal);
    private readonly Queue<string> _queue = new();
    // Each queued holder with the lease its attempt needs.
    private readonly Dictionary<string, TimeSpan> _queued = new(StringComparer.Ordinal);
    // Reclaimed holders whose Release may still come, until when it is still worth hearing.
    private readonly Dictionary<string, DateTimeOffset> _reclaimed = new(StringComparer.Ordinal);
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
    /// <param name="attempt">The longest the holder's attempt may take; its permit is leased for at least that.</param>
    public bool TryAdmit(string holder, DateTimeOffset now, TimeSpan attempt = default)
    {
        ReclaimExpired(now);
        if (_permits.ContainsKey(holder) || (_permits.Count < Budget && _queued.Count == 0))
        {
            Grant(holder, now, attempt);
            return true;
        }

        if (_queued.TryAdd(holder, attempt))
        {
            _queue.Enqueue(holder);
        }
        else
        {
            _queued[holder] = attempt;
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
            Grant(holder, now, TimeSpan.Zero);
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
        // A permit reclaimed while its heal was still at the NSMgr: the heal happened, and what the NSMgr did counts.
        if (_permits.Remove(holder) || _reclaimed.Remove(holder))
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
            if (!_queued.Remove(holder, out var attempt))
            {
                // Gave its place back while waiting.
                continue;
            }

            Grant(holder, now, attempt);
            admitted.Add(holder);
        }

        return admitted;
    }

    private void Grant(string holder, DateTimeOffset now, TimeSpan attempt)
    {
        _reclaimed.Remove(holder);
        _permits[holder] = now + (attempt > _lease ? attempt : _lease);
    }

    private void ReclaimExpired(DateTimeOffset now)
    {
        foreach (var (holder, _) in _reclaimed.Where(r => r.Value <= now).ToList())
        {
            _reclaimed.Remove(holder);
        }

        foreach (var (holder, _) in _permits.Where(p => p.Value <= now).ToList())
        {
            _permits.Remove(holder);
            // A holder silent for another lease has died; forgetting it bounds what vanished holders leave behind.
            _reclaimed[holder] = now + _lease;
        }
    }
}
