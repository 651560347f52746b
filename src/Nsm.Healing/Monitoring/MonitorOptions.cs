namespace Nsm.Healing.Monitoring;

/// <summary>How monitor workers watch NSMgrs. Bound from configuration section "Nsm:Monitor".</summary>
public sealed class MonitorOptions
{
    public const string Section = "Nsm:Monitor";

    /// <summary>First reconnect delay bound after a stream breaks (full jitter, doubling).</summary>
    public TimeSpan ReconnectFirstDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Reconnect delays never exceed this.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Even a healthy stream is reopened this often (±25 % jitter) to re-read the NSMgr's snapshot:
    /// level-triggered, so an event lost anywhere cannot leave a connection unhealed for longer.
    /// </summary>
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// From opening a stream (the dial included) to its INITIAL_STATE_TRANSFER. A server that accepts and then says
    /// nothing, or never sends the snapshot, counts as a broken stream after this and is dialled again with backoff.
    /// </summary>
    public TimeSpan InitialStateTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Events buffered per NSMgr between the stream and the grains. Overflow forces a resync; nothing is dropped silently.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Events handed to the NSMgr's monitor grain per call.</summary>
    public int BatchSize { get; set; } = 512;

    /// <summary>How often every silo checks that each NSMgr with connections has its stream, besides on membership changes.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Concurrent heals admitted per NSMgr right after it returns (slow start begins here).</summary>
    public int AdmissionInitialBudget { get; set; } = 8;

    /// <summary>The most heals one NSMgr is asked to serve at once.</summary>
    public int AdmissionMaxConcurrency { get; set; } = 64;

    /// <summary>
    /// A queued heal asks again after this (jittered) even without being told, so a queue lost with its admission
    /// activation costs seconds, not a lease.
    /// </summary>
    public TimeSpan AdmissionRequery { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// A permit not released within this is reclaimed (its holder died mid-heal). It must cover the longest heal attempt
    /// (<see cref="Decisions.PermitLease.Longest"/>: 35 s with the default <see cref="HealPolicy.RequestTimeout"/>), or a
    /// slow NSMgr is handed more heals than its budget; a connection whose policy allows longer calls leases longer.
    /// Silo reserves are renewed every quarter lease and serve a heal only with a full attempt left, so 60 s leaves them useful.
    /// </summary>
    public TimeSpan AdmissionLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Each silo keeps one permit per NSMgr it heals against in reserve, so an isolated heal sends its Request without
    /// first asking the admission. The reserve counts against the budget and is given up while heals queue.
    /// </summary>
    public bool AdmissionSiloReserve { get; set; } = true;

    /// <summary>The first rule this breaks, naming the key; null when valid.</summary>
    public string? FindProblem()
    {
        if (ReconnectFirstDelay <= TimeSpan.Zero) return $"{Section}:{nameof(ReconnectFirstDelay)} must be positive";
        if (ReconnectMaxDelay < ReconnectFirstDelay) return $"{Section}:{nameof(ReconnectMaxDelay)} must be at least {nameof(ReconnectFirstDelay)}";
        if (ResyncInterval <= TimeSpan.Zero) return $"{Section}:{nameof(ResyncInterval)} must be positive";
        if (InitialStateTimeout <= TimeSpan.Zero) return $"{Section}:{nameof(InitialStateTimeout)} must be positive";
        if (QueueCapacity < 1) return $"{Section}:{nameof(QueueCapacity)} must be at least 1";
        if (BatchSize < 1) return $"{Section}:{nameof(BatchSize)} must be at least 1";
        if (SweepInterval <= TimeSpan.Zero) return $"{Section}:{nameof(SweepInterval)} must be positive";
        if (AdmissionInitialBudget < 1) return $"{Section}:{nameof(AdmissionInitialBudget)} must be at least 1";
        if (AdmissionMaxConcurrency < AdmissionInitialBudget) return $"{Section}:{nameof(AdmissionMaxConcurrency)} must be at least {nameof(AdmissionInitialBudget)}";
        if (AdmissionLease < Decisions.PermitLease.Longest(HealPolicy.Default))
        {
            return $"{Section}:{nameof(AdmissionLease)} ({AdmissionLease}) must cover the longest heal attempt, a Close and a Request of "
                + $"{nameof(HealPolicy)}.{nameof(HealPolicy.RequestTimeout)} ({HealPolicy.Default.RequestTimeout}) each plus {Decisions.PermitLease.Margin}: "
                + $"at least {Decisions.PermitLease.Longest(HealPolicy.Default)}";
        }

        if (AdmissionRequery <= TimeSpan.Zero) return $"{Section}:{nameof(AdmissionRequery)} must be positive";
        return null;
    }
}
