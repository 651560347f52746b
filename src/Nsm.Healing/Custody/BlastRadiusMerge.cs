namespace Nsm.Healing.Custody;

/// <summary>Adds silos' census rows up per NSMgr, forwarder and NSE, and marks the quarantined ones.</summary>
public static class BlastRadiusMerge
{
    public static IReadOnlyList<BlastRadiusRow> Rows(IEnumerable<CensusReport> reports, QuarantineSnapshot quarantine, DateTimeOffset now)
    {
        var merged = new Dictionary<(EndpointKind, string), BlastRadiusRow>();
        foreach (var row in reports.SelectMany(report => report.Rows))
        {
            var key = (row.Kind, row.Name);
            merged[key] = merged.TryGetValue(key, out var sum) ? Add(sum, row) : row;
        }

        foreach (var entry in quarantine.Entries.Where(entry => entry.Until > now))
        {
            // A quarantined endpoint shows even when no connection runs through it any more.
            var key = (entry.Kind, entry.Name);
            merged[key] = (merged.TryGetValue(key, out var row) ? row : new BlastRadiusRow { Kind = entry.Kind, Name = entry.Name }) with { Quarantined = true };
        }

        return merged.Values.OrderBy(row => row.Kind).ThenBy(row => row.Name, StringComparer.Ordinal).ToArray();
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Serving(IEnumerable<CensusReport> reports) =>
        reports.SelectMany(report => report.ServingEndpoints)
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .ToDictionary(
                group => group.Key,
                group => (IReadOnlyList<string>)group.SelectMany(pair => pair.Value).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                StringComparer.Ordinal);

    private static BlastRadiusRow Add(BlastRadiusRow a, BlastRadiusRow b)
    {
        var phases = new Dictionary<string, int>(a.Phases, StringComparer.Ordinal);
        foreach (var (phase, count) in b.Phases)
        {
            phases[phase] = phases.GetValueOrDefault(phase) + count;
        }

        return a with
        {
            Connections = a.Connections + b.Connections,
            Phases = phases,
            HealsInProgress = a.HealsInProgress + b.HealsInProgress,
            Looping = a.Looping + b.Looping,
            Orphans = a.Orphans + b.Orphans,
            AbandonedCloses = a.AbandonedCloses + b.AbandonedCloses,
        };
    }
}
