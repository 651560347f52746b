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
}
