namespace Nsm.Healing.Custody;

/// <summary>
/// When an NSE or forwarder is quarantined, as a pure function of the loop reports: once the options'
/// LoopingConnectionsToQuarantine distinct connections were found looping onto it within QuarantineWindow. One
/// connection looping proves little about an endpoint (its own NSC may be at fault); several landing on the same one do.
/// </summary>
public static class QuarantineRules
{
    /// <summary>Reports kept at most: enough for any threshold, bounded whatever the cluster's size.</summary>
    public const int MaxReports = 10_000;

    private const int MaxLifts = 16;

    /// <summary>Takes <paramref name="report"/>; returns the quarantines it imposed (none, or its NSE and/or forwarders).</summary>
    public static IReadOnlyList<QuarantineEntry> Take(QuarantineBook book, LoopReport report, CustodyOptions options, DateTimeOffset now)
    {
        Prune(book, options, now);
        book.Reports.Add(report);
        if (book.Reports.Count > MaxReports)
        {
            book.Reports.RemoveRange(0, book.Reports.Count - MaxReports);
        }

        var imposed = new List<QuarantineEntry>();
        var hops = report.Forwarders.Select(name => (EndpointKind.Forwarder, name)).Prepend((EndpointKind.Nse, report.Nse));
        foreach (var (kind, name) in hops)
        {
            if (name.Length == 0 || book.Entries.Any(entry => entry.Kind == kind && entry.Name == name))
            {
                continue;
            }

            var onIt = book.Reports.Where(r => Names(r, kind, name)).ToList();
            var connections = onIt.Select(r => r.ConnectionId).Distinct(StringComparer.Ordinal).Count();
            if (connections >= options.LoopingConnectionsToQuarantine)
            {
                var entry = new QuarantineEntry
                {
                    Kind = kind,
                    Name = name,
                    NetworkServices = onIt.Select(r => r.NetworkService).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray(),
                    Since = now,
                    Until = now + options.QuarantineDuration,
                    LoopingConnections = connections,
                };
                book.Entries.Add(entry);
                imposed.Add(entry);
            }
        }

        return imposed;
    }

    /// <summary>An operator lifts a quarantine; the reports that made it are forgotten, so it is not imposed again at once.</summary>
    /// <returns>Whether such a quarantine was in force.</returns>
    public static bool Lift(QuarantineBook book, EndpointKind kind, string name, string reason, DateTimeOffset now)
    {
        var lifted = book.Entries.RemoveAll(entry => entry.Kind == kind && entry.Name == name && entry.Until > now) > 0;
        book.Reports.RemoveAll(report => Names(report, kind, name));
        if (lifted)
        {
            book.Lifts.Add(new QuarantineLift(kind, name, now, reason));
            if (book.Lifts.Count > MaxLifts)
            {
                book.Lifts.RemoveRange(0, book.Lifts.Count - MaxLifts);
            }
        }

        return lifted;
    }

    /// <summary>Drops quarantines that ran out and reports older than the window.</summary>
    /// <returns>The quarantines that ran out.</returns>
    public static IReadOnlyList<QuarantineEntry> Prune(QuarantineBook book, CustodyOptions options, DateTimeOffset now)
    {
        var expired = book.Entries.Where(entry => entry.Until <= now).ToList();
        book.Entries.RemoveAll(entry => entry.Until <= now);
        book.Reports.RemoveAll(report => report.At <= now - options.QuarantineWindow);
        return expired;
    }

    private static bool Names(LoopReport report, EndpointKind kind, string name) => kind switch
    {
        EndpointKind.Nse => report.Nse == name,
        EndpointKind.Forwarder => report.Forwarders.Contains(name, StringComparer.Ordinal),
        _ => false,
    };
}
