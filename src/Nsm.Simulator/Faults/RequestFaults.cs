namespace Nsm.Simulator.Faults;

/// <summary>
/// Per-NSMgr slowness and flakiness of Requests. Read outside the simulation gate (the delay happens
/// before a Request is processed), so it has its own lock.
/// </summary>
internal sealed class RequestFaults(IEnumerable<string> nsmgrs, TimeProvider time, CancellationToken shuttingDown)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Settings> _settings = nsmgrs.ToDictionary(n => n, _ => new Settings(), StringComparer.Ordinal);

    public void SetLatency(TimeSpan latency, string? nsmgr)
    {
        lock (_lock)
        {
            foreach (var settings in Targets(nsmgr))
            {
                settings.Latency = latency;
            }
        }
    }

    public void SetFailureProbability(double probability, int? seed, string? nsmgr)
    {
        lock (_lock)
        {
            foreach (var settings in Targets(nsmgr))
            {
                settings.FailureProbability = probability;
                // Each NSMgr draws from its own sequence, so one NSMgr's outcomes depend only on its own Requests.
                settings.Random = seed is { } s ? new Random(s) : new Random();
            }
        }
    }

    /// <summary>The injected latency, waited on the simulator's clock so fake time drives it in tests.</summary>
    public Task DelayAsync(string nsmgr, CancellationToken cancellationToken)
    {
        TimeSpan latency;
        lock (_lock)
        {
            latency = _settings[nsmgr].Latency;
        }

        return latency > TimeSpan.Zero ? DelayAsync(latency, cancellationToken) : Task.CompletedTask;
    }

    public bool ShouldFail(string nsmgr)
    {
        lock (_lock)
        {
            var settings = _settings[nsmgr];
            return settings.FailureProbability > 0 && settings.Random.NextDouble() < settings.FailureProbability;
        }
    }

    private async Task DelayAsync(TimeSpan latency, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, shuttingDown);
        await Task.Delay(latency, time, cancel.Token).ConfigureAwait(false);
    }

    private IEnumerable<Settings> Targets(string? nsmgr) =>
        nsmgr is null
            ? _settings.Values
            : [_settings.GetValueOrDefault(nsmgr) ?? throw new KeyNotFoundException($"nsmgr '{nsmgr}' is not in the topology")];

    private sealed class Settings
    {
        public TimeSpan Latency { get; set; }

        public double FailureProbability { get; set; }

        public Random Random { get; set; } = new();
    }
}
