using System.Collections.Concurrent;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>The data-plane faults that hit a connection: what the seed says its heal must be.</summary>
public enum DataPlaneFault
{
    /// <summary>A forwarder on its path died: a restore through another forwarder or a reselect both heal it (DESIGN §4).</summary>
    ForwarderKilled,

    /// <summary>Its NSE died: only a new endpoint heals it.</summary>
    NseKilled,

    /// <summary>Its vWire broke with no event: only the NSC's liveness check sees it, and only a reselect heals it.</summary>
    VWireBroken,
}

public sealed record DataPlaneHit(DataPlaneFault Fault, DateTimeOffset At, string? Endpoint);

/// <summary>
/// What the run did, as the checks need it: which data-plane faults hit which connection and when, which connections
/// their NSC closed and when the close was done, and the faults actually injected.
/// </summary>
public sealed class ChaosLedger
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<DataPlaneHit>> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset?> _closing = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _injected = new(StringComparer.Ordinal);

    /// <param name="at">Read just before the fault was applied, so nothing it caused can carry an earlier timestamp.</param>
    public void Hit(string connectionId, DataPlaneFault fault, DateTimeOffset at, string? endpoint) =>
        _hits.GetOrAdd(connectionId, _ => new ConcurrentQueue<DataPlaneHit>()).Enqueue(new DataPlaneHit(fault, at, endpoint));

    /// <summary>Oldest first; empty for a connection only control-plane faults touched.</summary>
    public IReadOnlyList<DataPlaneHit> HitsOf(string connectionId) =>
        _hits.TryGetValue(connectionId, out var hits) ? [.. hits] : [];

    /// <summary>The NSC has decided to close: from now on it neither checks nor reports this connection.</summary>
    public void Closing(string connectionId) => _closing.TryAdd(connectionId, null);

    public void Closed(string connectionId) => _closing[connectionId] = DateTimeOffset.UtcNow;

    public bool IsClosing(string connectionId) => _closing.ContainsKey(connectionId);

    /// <summary>When the grain confirmed the close, or null when it has not (yet).</summary>
    public DateTimeOffset? ClosedAt(string connectionId) => _closing.GetValueOrDefault(connectionId);

    /// <summary>Counts a fault as injected; <paramref name="units"/> counts e.g. each vWire of a multi-connection break.</summary>
    public void Injected(string fault, int units = 1) => _injected.AddOrUpdate(fault, units, (_, count) => count + units);

    public IReadOnlyDictionary<string, int> InjectedFaults => _injected.ToDictionary(kind => kind.Key, kind => kind.Value);

    public int HitConnections => _hits.Count;
}
