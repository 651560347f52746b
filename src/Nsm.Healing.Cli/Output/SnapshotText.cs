using System.Globalization;
using System.IO;

namespace Nsm.Healing.Cli.Output;

/// <summary>Human-readable forms of a connection snapshot: a table row, a detail block, a one-line change.</summary>
public static class SnapshotText
{
    public static readonly string[] RowHeaders = ["ID", "PHASE", "NSMGR", "ENDPOINT", "DATA PLANE", "HEALS", "LAST HEAL", "REASON"];

    public static IReadOnlyList<string> Row(ConnectionSnapshot snapshot) =>
    [
        snapshot.ConnectionId,
        snapshot.Phase.ToString(),
        snapshot.NsmgrAddress ?? "-",
        snapshot.Endpoint ?? "-",
        snapshot.DataPlane.ToString(),
        snapshot.History.Count.ToString(CultureInfo.InvariantCulture),
        snapshot.LastHeal is { } heal ? $"{heal.Decision} {heal.Outcome}" : "-",
        snapshot.Reason ?? "",
    ];

    public static void WriteDetail(TextWriter output, ConnectionSnapshot snapshot)
    {
        var view = ConnectionView.Of(snapshot, withHistory: true);
        output.WriteLine($"connection   {view.Id}");
        output.WriteLine($"phase        {view.Phase}{(view.Reason is null ? "" : $" ({view.Reason})")}");
        output.WriteLine($"nsmgr        {view.Nsmgr ?? "-"}");
        output.WriteLine($"service      {view.NetworkService ?? "-"}");
        output.WriteLine($"endpoint     {view.Endpoint ?? "-"}");
        output.WriteLine($"path         {(view.Path.Count == 0 ? "-" : string.Join(" -> ", view.Path))}");
        output.WriteLine($"labels       {(view.Labels.Count == 0 ? "-" : string.Join(", ", view.Labels.Select(label => $"{label.Key}={label.Value}")))}");
        output.WriteLine($"data plane   {view.DataPlane}");
        if (view.NextRefreshAt is { } refresh)
        {
            output.WriteLine($"next refresh {refresh:HH:mm:ss.fff}");
        }

        if (view.CurrentHeal is { } current)
        {
            output.WriteLine($"healing      {current.Decision} after {current.Trigger}, attempt {current.Attempts}, next at {view.NextAttemptAt:HH:mm:ss.fff}{(current.Detail is null ? "" : $": {current.Detail}")}");
        }

        if (view.LoopCycles > 0)
        {
            output.WriteLine($"heal loop    {view.LoopCycles} cycle(s) in the loop window{(view.Looping ? ": looping, reselects back off" : "")}");
        }

        if (view.CloseForced)
        {
            output.WriteLine("forced       closed by an operator without the NSMgr's confirmation");
        }

        WriteOperatorActions(output, view.OperatorActions);
        output.WriteLine();
        if (view.History is not { Count: > 0 } history)
        {
            output.WriteLine("no heals yet");
            return;
        }

        output.WriteLine($"heal history ({history.Count}, oldest first):");
        TextTable.Write(output, ["STARTED", "TRIGGER", "DECISION", "OUTCOME", "ATTEMPTS", "TOOK", "ENDPOINT", "INCIDENT", "DETAIL"], history.Select(heal => (IReadOnlyList<string>)
        [
            heal.StartedAt.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
            heal.Trigger.ToString(),
            heal.Escalated ? $"{heal.Decision} (escalated)" : heal.Decision.ToString(),
            heal.Outcome.ToString(),
            heal.Attempts.ToString(CultureInfo.InvariantCulture),
            heal.DurationText,
            heal.EndpointBefore == heal.EndpointAfter ? heal.EndpointAfter ?? "-" : $"{heal.EndpointBefore ?? "-"} -> {heal.EndpointAfter ?? "-"}",
            heal.IncidentId,
            heal.Detail ?? "",
        ]));
    }

    private static void WriteOperatorActions(TextWriter output, IReadOnlyList<OperatorAction> actions)
    {
        if (actions.Count == 0)
        {
            return;
        }

        output.WriteLine();
        output.WriteLine($"operator actions ({actions.Count}, oldest first):");
        TextTable.Write(output, ["AT", "ACTION", "REASON", "OUTCOME"], actions.Select(action => (IReadOnlyList<string>)
        [
            action.At.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture),
            action.Kind.ToString(),
            action.Reason,
            action.Outcome ?? "",
        ]));
    }

    /// <summary>One line saying what changed between two snapshots of a connection, or null when nothing did.</summary>
    public static string? Change(ConnectionSnapshot? before, ConnectionSnapshot after)
    {
        if (before is null)
        {
            return $"{after.ConnectionId}: {after.Phase} at {after.Endpoint ?? "-"}";
        }

        var parts = new List<string>();
        if (before.Phase != after.Phase)
        {
            parts.Add($"{before.Phase} -> {after.Phase}{(after.Reason is null ? "" : $" ({after.Reason})")}");
        }

        if (before.Endpoint != after.Endpoint)
        {
            parts.Add($"endpoint {before.Endpoint ?? "-"} -> {after.Endpoint ?? "-"}");
        }

        if (after.CurrentHeal is { } heal && before.CurrentHeal?.IncidentId != heal.IncidentId)
        {
            parts.Add($"heal {heal.IncidentId} started: {heal.Decision} after {heal.Trigger}");
        }

        foreach (var ended in after.History.Where(record => before.History.All(old => old.IncidentId != record.IncidentId)))
        {
            parts.Add($"heal {ended.IncidentId} {ended.Outcome}: {ended.Decision}, {ended.Attempts} attempt(s) in {HealView.Of(ended).DurationText}");
        }

        return parts.Count == 0 ? null : $"{after.ConnectionId}: {string.Join("; ", parts)}";
    }
}
