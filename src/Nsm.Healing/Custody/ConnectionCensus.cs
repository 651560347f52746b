using System.Collections.Concurrent;
using Nsm.Healing.Connections;

namespace Nsm.Healing.Custody;

/// <summary>
/// Where this silo's active connections run and how they are doing: one small entry per connection grain, updated when
/// it publishes a change and dropped when it deactivates. Summed per NSMgr, forwarder and NSE once per report interval
/// (a pass over the entries, no grain call), so `top` and /status never ask 100k grains.
/// </summary>
public sealed class ConnectionCensus
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count => _entries.Count;

    public void Set(string connectionId, ConnectionState state, DateTimeOffset now)
    {
        var previous = _entries.TryGetValue(connectionId, out var known) ? known : null;
        // Unpacking the connection costs a parse: only when the connection itself changed.
        var route = previous is not null && ReferenceEquals(previous.Packed, state.PackedLastGoodRequest)
            ? previous.Route
            : Route.Of(state);
        _entries[connectionId] = new Entry(state.Phase, state.PackedLastGoodRequest, route, LoopingUntil(state, now));
    }

    public void Remove(string connectionId) => _entries.TryRemove(connectionId, out _);

    public int LoopingNow(DateTimeOffset now) => _entries.Values.Count(entry => entry.LoopingUntil > now);

    /// <summary>Sums the entries per NSMgr, forwarder and NSE, and lists the NSEs Up without a loop per network service.</summary>
    public CensusReport Summarize(string silo, IReadOnlyList<OrphanSighting> orphans, DateTimeOffset now)
    {
        var rows = new Dictionary<(EndpointKind, string), Tally>();
        var serving = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in _entries.Values)
        {
            var route = entry.Route;
            if (route.Nsmgr is null)
            {
                continue;
            }

            var looping = entry.LoopingUntil > now;
            foreach (var hop in route.Hops())
            {
                Row(rows, hop).Count(entry.Phase, looping);
            }

            if (entry.Phase == ConnectionPhase.Up && !looping && route is { Nse: { } nse, NetworkService: { } service })
            {
                (serving.TryGetValue(service, out var nses) ? nses : serving[service] = new HashSet<string>(StringComparer.Ordinal)).Add(nse);
            }
        }

        foreach (var orphan in orphans)
        {
            foreach (var hop in new Route(orphan.Nsmgr, orphan.Nse, orphan.Forwarders, null).Hops())
            {
                Row(rows, hop).Orphans++;
            }
        }

        return new CensusReport(
            silo, now,
            rows.Select(pair => pair.Value.ToRow(pair.Key.Item1, pair.Key.Item2)).ToArray(),
            serving.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<string>)pair.Value.Order(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal));
    }

    private static Tally Row(Dictionary<(EndpointKind, string), Tally> rows, (EndpointKind Kind, string Name) hop) =>
        rows.TryGetValue(hop, out var tally) ? tally : rows[hop] = new Tally();

    /// <summary>Until when the connection counts as looping, as its cycles stand now; null: it does not.</summary>
    private static DateTimeOffset? LoopingUntil(ConnectionState state, DateTimeOffset now)
    {
        var policy = state.Policy;
        var recent = state.LoopCycles.Where(at => at > now - policy.LoopWindow).Order().ToList();
        // Looping while at least LoopCycles cycles are inside the window: until the oldest one that keeps it so leaves.
        return recent.Count >= policy.LoopCycles ? recent[recent.Count - policy.LoopCycles] + policy.LoopWindow : null;
    }

    private sealed record Entry(ConnectionPhase Phase, PackedRequest? Packed, Route Route, DateTimeOffset? LoopingUntil);

    private sealed record Route(string? Nsmgr, string? Nse, IReadOnlyList<string> Forwarders, string? NetworkService)
    {
        public static Route Of(ConnectionState state)
        {
            var connection = state.Connection;
            return new Route(
                Intern(state.NsmgrAddress),
                Intern(PathHops.Nse(connection)),
                PathHops.Forwarders(connection).Select(name => string.Intern(name)).ToArray(),
                Intern(connection?.NetworkService));
        }

        public IEnumerable<(EndpointKind, string)> Hops()
        {
            if (Nsmgr is not null)
            {
                yield return (EndpointKind.Nsmgr, Nsmgr);
            }

            foreach (var forwarder in Forwarders)
            {
                yield return (EndpointKind.Forwarder, forwarder);
            }

            if (Nse is not null)
            {
                yield return (EndpointKind.Nse, Nse);
            }
        }

        // Many connections share a handful of NSMgr, forwarder and NSE names: one string each, not one per connection.
        private static string? Intern(string? name) => string.IsNullOrEmpty(name) ? null : string.Intern(name);
    }

    private sealed class Tally
    {
        private readonly Dictionary<string, int> _phases = new(StringComparer.Ordinal);
        private int _connections;
        private int _healing;
        private int _looping;
        private int _abandoned;

        public int Orphans { get; set; }

        public void Count(ConnectionPhase phase, bool looping)
        {
            if (phase is ConnectionPhase.None)
            {
                return;
            }

            var name = phase.ToString();
            _phases[name] = _phases.GetValueOrDefault(name) + 1;
            _connections += phase == ConnectionPhase.Closed ? 0 : 1;
            _healing += phase == ConnectionPhase.Healing ? 1 : 0;
            _looping += looping ? 1 : 0;
            _abandoned += phase == ConnectionPhase.Abandoned ? 1 : 0;
        }

        public BlastRadiusRow ToRow(EndpointKind kind, string name) => new()
        {
            Kind = kind,
            Name = name,
            Connections = _connections,
            Phases = new Dictionary<string, int>(_phases),
            HealsInProgress = _healing,
            Looping = _looping,
            Orphans = Orphans,
            AbandonedCloses = _abandoned,
        };
    }
}
