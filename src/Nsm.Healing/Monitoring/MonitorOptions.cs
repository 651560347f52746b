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

    /// <summary>
    /// Each snapshot (every reconnect, and every <see cref="ResyncInterval"/>) is audited for orphans: connections of ours
    /// at the NSMgr that no grain owns, or owns as closed; each is closed inside its token window. Foreign ones are never touched.
    /// </summary>
    public bool AuditOrphans { get; set; } = true;

    /// <summary>
    /// SPIFFE IDs, besides this silo's own, whose connections are ours (silos of other nodes running under other IDs). A
    /// connection is ours when its first path segment's token names one of them as <c>sub</c>.
    /// </summary>
    public List<string> OwnSpiffeIds { get; set; } = [];

    /// <summary>After connections leave an NSMgr (closed, moved), its snapshot is re-read this soon to verify they are gone there.</summary>
    public TimeSpan CloseVerificationDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Orphans judged at once by one audit (each a call to the connection's grain, which may Close it).</summary>
    public int OrphanAuditConcurrency { get; set; } = 16;

    /// <summary>Every rule this breaks, each naming its configuration key; empty when valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new OptionsProblems(Section);
        problems.Check(ReconnectFirstDelay > TimeSpan.Zero, nameof(ReconnectFirstDelay), $"must be positive (was {ReconnectFirstDelay})");
        problems.Check(ReconnectMaxDelay >= ReconnectFirstDelay, nameof(ReconnectMaxDelay), $"must be at least {nameof(ReconnectFirstDelay)} (was {ReconnectMaxDelay}; {nameof(ReconnectFirstDelay)} is {ReconnectFirstDelay})");
        problems.Check(ResyncInterval > TimeSpan.Zero, nameof(ResyncInterval), $"must be positive (was {ResyncInterval})");
        problems.Check(InitialStateTimeout > TimeSpan.Zero, nameof(InitialStateTimeout), $"must be positive (was {InitialStateTimeout})");
        problems.Check(QueueCapacity >= 1, nameof(QueueCapacity), $"must be at least 1 (was {QueueCapacity})");
        problems.Check(BatchSize >= 1, nameof(BatchSize), $"must be at least 1 (was {BatchSize})");
        problems.Check(SweepInterval > TimeSpan.Zero, nameof(SweepInterval), $"must be positive (was {SweepInterval})");
        problems.Check(AdmissionInitialBudget >= 1, nameof(AdmissionInitialBudget), $"must be at least 1 (was {AdmissionInitialBudget})");
        problems.Check(AdmissionMaxConcurrency >= AdmissionInitialBudget, nameof(AdmissionMaxConcurrency), $"must be at least {nameof(AdmissionInitialBudget)} (was {AdmissionMaxConcurrency}; {nameof(AdmissionInitialBudget)} is {AdmissionInitialBudget})");
        var longest = Decisions.PermitLease.Longest(HealPolicy.Default);
        problems.Check(AdmissionLease >= longest, nameof(AdmissionLease),
            $"({AdmissionLease}) must cover the longest heal attempt, a Close and a Request of {nameof(HealPolicy)}.{nameof(HealPolicy.RequestTimeout)} "
            + $"({HealPolicy.Default.RequestTimeout}) each plus {Decisions.PermitLease.Margin}: at least {longest}");
        problems.Check(CloseVerificationDelay > TimeSpan.Zero, nameof(CloseVerificationDelay), $"must be positive (was {CloseVerificationDelay})");
        problems.Check(OrphanAuditConcurrency >= 1, nameof(OrphanAuditConcurrency), $"must be at least 1 (was {OrphanAuditConcurrency})");
        foreach (var id in OwnSpiffeIds)
        {
            if (!Nsm.Identity.SpiffeId.TryParse(id, out _, out var problem))
            {
                problems.Check(false, nameof(OwnSpiffeIds), $"has '{id}', which is not a SPIFFE ID: {problem}");
            }
        }

        problems.Check(AdmissionRequery > TimeSpan.Zero, nameof(AdmissionRequery), $"must be positive (was {AdmissionRequery})");
        return problems.All;
    }
}
