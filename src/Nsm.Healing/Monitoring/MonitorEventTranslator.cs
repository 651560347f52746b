using Nsm.Api;
using Nsm.Healing.Grains;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Turns one <see cref="ConnectionEvent"/> from an NSMgr into per-connection events for the grains.
/// Pure, so matching rules are tested without a stream.
/// </summary>
public static class MonitorEventTranslator
{
    /// <summary>
    /// The connection id the NSC chose: its own segment (index 0) of the path. Map keys are the NSMgr's own
    /// segment ids, so they never identify our grain (nsm-wire.md, Monitor stream).
    /// </summary>
    public static string? ClientConnectionId(Connection connection) =>
        connection.Path is { PathSegments.Count: > 0 } path && !string.IsNullOrEmpty(path.PathSegments[0].Id)
            ? path.PathSegments[0].Id
            : null;

    /// <summary>What an UPDATE or DELETE (or a DOWN entry of a snapshot) means to the connection's grain; null when nothing.</summary>
    public static MonitorEventKind? KindOf(ConnectionEventType type, Connection connection) => type switch
    {
        ConnectionEventType.Delete => MonitorEventKind.Deleted,
        _ => connection.State switch
        {
            State.Down => MonitorEventKind.Down,
            State.RefreshRequested => MonitorEventKind.RefreshRequested,
            _ => null,
        },
    };

    /// <summary>Every actionable (connection id, event) pair in <paramref name="connectionEvent"/>, and the count of entries no grain can claim.</summary>
    public static (IReadOnlyList<(string ConnectionId, MonitorEvent Event)> Events, int Unmatched) Translate(ConnectionEvent connectionEvent)
    {
        var events = new List<(string, MonitorEvent)>();
        var unmatched = 0;
        foreach (var connection in connectionEvent.Connections.Values)
        {
            if (ClientConnectionId(connection) is not { } id)
            {
                unmatched++;
                continue;
            }

            if (KindOf(connectionEvent.Type, connection) is { } kind)
            {
                events.Add((id, new MonitorEvent(kind, connection)));
            }
        }

        return (events, unmatched);
    }

    /// <summary>
    /// What one event from the stream says, per connection, ready for the monitor grain; and a line for each entry that
    /// cannot be matched. Snapshot entries are all kept (<paramref name="includeUnchanged"/>), since presence matters there.
    /// <paramref name="ours"/> marks the entries carrying our identity, judged on the raw entry before its token is dropped.
    /// </summary>
    public static (IReadOnlyList<StreamObservation> Observations, IReadOnlyList<string> Problems) Observe(
        ConnectionEvent connectionEvent, bool includeUnchanged, Func<Connection, bool>? ours = null)
    {
        var observations = new List<StreamObservation>(connectionEvent.Connections.Count);
        var problems = new List<string>();
        foreach (var (key, connection) in connectionEvent.Connections)
        {
            var kind = KindOf(connectionEvent.Type, connection);
            if (kind is null && !includeUnchanged)
            {
                continue;
            }

            if (ClientConnectionId(connection) is not { } id)
            {
                problems.Add($"connection '{Shorten(key)}' has no path segment 0 to match it by");
                id = "";
            }

            observations.Add(new StreamObservation(id, kind, ForMatching(connection), ours?.Invoke(connection) ?? false));
        }

        return (observations, problems);
    }

    /// <summary>
    /// Only what a connection grain needs to judge an event (<see cref="Decisions.MonitorEventRelevance"/>): id, state,
    /// endpoint and the path's names, ids and expiries. Labels, context, mechanism and tokens are dropped, so an NSMgr
    /// that sends huge maps cannot make the monitor grain hold or forward them, and no token sits in its memory.
    /// </summary>
    public static Connection ForMatching(Connection connection)
    {
        var slim = new Connection
        {
            Id = connection.Id,
            State = connection.State,
            NetworkServiceEndpointName = connection.NetworkServiceEndpointName,
        };
        if (connection.Path is { } path)
        {
            slim.Path = new Api.Path { Index = path.Index };
            slim.Path.PathSegments.AddRange(path.PathSegments.Select(s => new PathSegment { Name = s.Name, Id = s.Id, Expires = s.Expires?.Clone() }));
        }

        return slim;
    }

    // A hostile NSMgr chooses the map keys: keep log lines short.
    private static string Shorten(string text) => text.Length <= 80 ? text : text[..80] + "…";
}
