namespace Nsm.Simulator.Recording;

/// <summary>
/// Everything the simulator saw, for tests that assert exact counts the way upstream sandbox tests count
/// Requests and Closes per NSE. Thread-safe; queries return snapshots.
/// </summary>
public sealed class SimulatorRecords
{
    private readonly Lock _lock = new();
    private readonly List<RequestRecord> _requests = [];
    private readonly List<CloseRecord> _closes = [];
    private readonly List<DuplicateRecord> _duplicates = [];
    private readonly List<NamespaceRecord> _namespaces = [];
    private readonly Dictionary<string, StreamCount> _streams;

    internal SimulatorRecords(IReadOnlyCollection<string> nsmgrs)
    {
        _streams = nsmgrs.ToDictionary(n => n, _ => new StreamCount(), StringComparer.Ordinal);
        Concurrency = new CallConcurrency(nsmgrs);
    }

    internal CallConcurrency Concurrency { get; }

    /// <summary>Requests, oldest first, optionally only those for a connection id and/or a chosen NSE.</summary>
    public IReadOnlyList<RequestRecord> Requests(string? connectionId = null, string? endpoint = null)
    {
        lock (_lock)
        {
            return [.. _requests.Where(r => Selected(r.ConnectionId, r.Endpoint, connectionId, endpoint))];
        }
    }

    /// <summary>Closes, oldest first, optionally only those for a connection id, an NSE and/or a reason.</summary>
    public IReadOnlyList<CloseRecord> Closes(string? connectionId = null, string? endpoint = null, CloseReason? reason = null)
    {
        lock (_lock)
        {
            return [.. _closes.Where(c => Selected(c.ConnectionId, c.Endpoint, connectionId, endpoint) && (reason is null || c.Reason == reason))];
        }
    }

    /// <summary>Every time a connection id was found held by two or more NSEs at once.</summary>
    public IReadOnlyList<DuplicateRecord> Duplicates(string? connectionId = null)
    {
        lock (_lock)
        {
            return [.. _duplicates.Where(d => connectionId is null || d.ConnectionId == connectionId)];
        }
    }

    /// <summary>Kernel-mechanism Requests and Closes with the namespace each carried, oldest first, optionally for one connection id.</summary>
    public IReadOnlyList<NamespaceRecord> Namespaces(string? connectionId = null)
    {
        lock (_lock)
        {
            return [.. _namespaces.Where(n => connectionId is null || n.ConnectionId == connectionId)];
        }
    }

    /// <summary>MonitorConnections streams open at this NSMgr right now.</summary>
    public int OpenMonitorStreams(string nsmgr)
    {
        lock (_lock)
        {
            return Streams(nsmgr).Open;
        }
    }

    /// <summary>MonitorConnections streams ever opened at this NSMgr.</summary>
    public int MonitorStreamsOpened(string nsmgr)
    {
        lock (_lock)
        {
            return Streams(nsmgr).Opened;
        }
    }

    /// <summary>Requests being handled by this NSMgr right now (including any injected latency).</summary>
    public int ConcurrentRequests(string nsmgr) => Concurrency.CurrentRequests(nsmgr);

    /// <summary>The most Requests this NSMgr ever handled at once.</summary>
    public int PeakConcurrentRequests(string nsmgr) => Concurrency.PeakRequests(nsmgr);

    /// <summary>
    /// Requests and Closes in flight for this connection id now, across all NSMgrs: from arrival until answered or until
    /// their caller stopped waiting (see <c>NsmgrNetworkService</c>).
    /// </summary>
    public int InFlight(string connectionId) => Concurrency.InFlight(connectionId);

    /// <summary>The most Requests and Closes ever in flight at once for this connection id, across all NSMgrs.</summary>
    public int PeakInFlight(string connectionId) => Concurrency.PeakInFlight(connectionId);

    internal void Add(RequestRecord record)
    {
        lock (_lock)
        {
            _requests.Add(record);
        }
    }

    internal void Add(CloseRecord record)
    {
        lock (_lock)
        {
            _closes.Add(record);
        }
    }

    internal void Add(DuplicateRecord record)
    {
        lock (_lock)
        {
            _duplicates.Add(record);
        }
    }

    internal void Add(NamespaceRecord record)
    {
        lock (_lock)
        {
            _namespaces.Add(record);
        }
    }

    internal void MonitorStreamOpened(string nsmgr)
    {
        lock (_lock)
        {
            var count = Streams(nsmgr);
            count.Open++;
            count.Opened++;
        }
    }

    internal void MonitorStreamClosed(string nsmgr)
    {
        lock (_lock)
        {
            Streams(nsmgr).Open--;
        }
    }

    private static bool Selected(string recordId, string? recordEndpoint, string? connectionId, string? endpoint) =>
        (connectionId is null || recordId == connectionId) && (endpoint is null || recordEndpoint == endpoint);

    private StreamCount Streams(string nsmgr) =>
        _streams.GetValueOrDefault(nsmgr) ?? throw new KeyNotFoundException($"nsmgr '{nsmgr}' is not in the topology");

    private sealed class StreamCount
    {
        public int Open { get; set; }

        public int Opened { get; set; }
    }
}
