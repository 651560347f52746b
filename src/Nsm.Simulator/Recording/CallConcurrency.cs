namespace Nsm.Simulator.Recording;

/// <summary>
/// Counts calls in flight and remembers the peaks: concurrent Requests per NSMgr, and concurrent
/// Request+Close per connection id (a well-behaved client keeps the latter at one).
/// </summary>
internal sealed class CallConcurrency(IEnumerable<string> nsmgrs)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Level> _requestsPerNsmgr = nsmgrs.ToDictionary(n => n, _ => new Level(), StringComparer.Ordinal);
    private readonly Dictionary<string, Level> _callsPerConnection = new(StringComparer.Ordinal);

    /// <param name="nsmgr">The NSMgr a Request arrived at, or null for a Close (Closes count per connection only).</param>
    public InFlightCall Begin(string? nsmgr, string connectionId)
    {
        lock (_lock)
        {
            if (nsmgr is not null)
            {
                _requestsPerNsmgr[nsmgr].Enter();
            }

            if (connectionId.Length > 0)
            {
                if (!_callsPerConnection.TryGetValue(connectionId, out var level))
                {
                    level = new Level();
                    _callsPerConnection.Add(connectionId, level);
                }

                level.Enter();
            }
        }

        return new InFlightCall(this, nsmgr, connectionId);
    }

    public void End(string? nsmgr, string connectionId)
    {
        lock (_lock)
        {
            if (nsmgr is not null)
            {
                _requestsPerNsmgr[nsmgr].Leave();
            }

            if (connectionId.Length > 0)
            {
                _callsPerConnection[connectionId].Leave();
            }
        }
    }

    public int CurrentRequests(string nsmgr)
    {
        lock (_lock)
        {
            return RequestLevel(nsmgr).Current;
        }
    }

    public int PeakRequests(string nsmgr)
    {
        lock (_lock)
        {
            return RequestLevel(nsmgr).Peak;
        }
    }

    public int InFlight(string connectionId)
    {
        lock (_lock)
        {
            return _callsPerConnection.GetValueOrDefault(connectionId)?.Current ?? 0;
        }
    }

    public int PeakInFlight(string connectionId)
    {
        lock (_lock)
        {
            return _callsPerConnection.GetValueOrDefault(connectionId)?.Peak ?? 0;
        }
    }

    public int HighestPeakInFlight()
    {
        lock (_lock)
        {
            return _callsPerConnection.Values.Select(level => level.Peak).DefaultIfEmpty(0).Max();
        }
    }

    private Level RequestLevel(string nsmgr) =>
        _requestsPerNsmgr.GetValueOrDefault(nsmgr) ?? throw new KeyNotFoundException($"nsmgr '{nsmgr}' is not in the topology");

    private sealed class Level
    {
        public int Current { get; private set; }

        public int Peak { get; private set; }

        public void Enter() => Peak = Math.Max(Peak, ++Current);

        public void Leave() => Current--;
    }
}
