using Nsm.Healing.Custody;

namespace Nsm.Healing.Silo.Status;

/// <summary>
/// The body of GET /status: every NSMgr with registered connections, the connections by phase over all of them, and the
/// blast radius per NSMgr, forwarder and NSE with the quarantines in force (from every silo's census, as `nsm-heal top`).
/// </summary>
public sealed record ClusterStatus(IReadOnlyList<NsmgrStatus> Nsmgrs, IReadOnlyDictionary<string, int> Totals, BlastRadius BlastRadius);

/// <summary>One NSMgr: its monitor stream, its connections by phase, and its heal admission.</summary>
/// <param name="Unanswered">Registered connections whose grain did not answer (e.g. during a failover); counted in no phase.</param>
/// <param name="Uncounted">Registered connections not asked for their phase: one read asks at most <see cref="ClusterStatusReader.MaxConnectionsCounted"/>.</param>
public sealed record NsmgrStatus(
    string Address,
    bool StreamConnected,
    long Epoch,
    string? Silo,
    int Registered,
    IReadOnlyDictionary<string, int> Phases,
    int Unanswered,
    AdmissionView Admission,
    int Uncounted);

/// <summary>Heal admission (storm control) at one NSMgr: heals allowed at once, running, and queued.</summary>
public sealed record AdmissionView(int Budget, int InUse, int Waiting);
