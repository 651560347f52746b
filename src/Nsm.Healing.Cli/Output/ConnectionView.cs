using Nsm.Healing.Cli.Parsing;

namespace Nsm.Healing.Cli.Output;

/// <summary>What `--json` prints for a connection: the snapshot without its protobuf messages, stable for scripts.</summary>
public sealed record ConnectionView(
    string Id,
    ConnectionPhase Phase,
    string? Reason,
    string? Nsmgr,
    string? NetworkService,
    string? Endpoint,
    IReadOnlyList<string> Path,
    IReadOnlyDictionary<string, string> Labels,
    DataPlaneVerdict DataPlane,
    int Heals,
    HealView? CurrentHeal,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? NextRefreshAt,
    IReadOnlyList<HealView>? History,
    int LoopCycles,
    bool Looping,
    bool CloseForced,
    IReadOnlyList<OperatorAction> OperatorActions)
{
    public static ConnectionView Of(ConnectionSnapshot snapshot, bool withHistory) => new(
        snapshot.ConnectionId,
        snapshot.Phase,
        snapshot.Reason,
        snapshot.NsmgrAddress,
        snapshot.Connection?.NetworkService,
        snapshot.Endpoint,
        snapshot.Connection?.Path?.PathSegments.Select(segment => segment.Name).ToArray() ?? [],
        new SortedDictionary<string, string>((IDictionary<string, string>?)snapshot.Connection?.Labels ?? new Dictionary<string, string>(), StringComparer.Ordinal),
        snapshot.DataPlane,
        snapshot.History.Count,
        snapshot.CurrentHeal is { } current ? HealView.Of(current) : null,
        snapshot.NextAttemptAt,
        snapshot.NextRefreshAt,
        withHistory ? [.. snapshot.History.Select(HealView.Of)] : null,
        snapshot.LoopCycles,
        snapshot.Looping,
        snapshot.CloseForced,
        snapshot.OperatorActions);
}

/// <summary>One heal record in `--json` output; durations in milliseconds.</summary>
public sealed record HealView(
    string IncidentId,
    HealTrigger Trigger,
    HealDecision Decision,
    HealOutcome Outcome,
    int Attempts,
    bool Escalated,
    string? EndpointBefore,
    string? EndpointAfter,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    double? DurationMs,
    string? Detail)
{
    public static HealView Of(HealRecord record) => new(
        record.IncidentId, record.Trigger, record.Decision, record.Outcome, record.Attempts, record.Escalated,
        record.EndpointBefore, record.EndpointAfter, record.StartedAt, record.EndedAt, record.Duration?.TotalMilliseconds, record.Detail);

    public string DurationText => DurationParser.Format(EndedAt - StartedAt);
}
