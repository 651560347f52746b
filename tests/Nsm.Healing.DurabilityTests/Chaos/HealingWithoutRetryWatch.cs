using Nsm.Healing.DurabilityTests.Support;
using Nsm.Healing.LocalProcesses;

namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// Invariant 4 once the faults stop: a connection in Healing always has a retry scheduled — a next-attempt time, or the
/// heal-backstop reminder in Redis. While an attempt is in flight the grain shows neither time nor, for a moment, a
/// reminder, so a heal counts as stuck only when it is seen that way with no progress (same heal, same attempts) for
/// longer than <see cref="Patience"/>: longer than a Close and a Request can take together.
/// </summary>
/// <param name="requestTimeout">The connections' heal policy's request timeout.</param>
public sealed class HealingWithoutRetryWatch(RedisServer redis, string serviceId, TimeSpan requestTimeout)
{
    public TimeSpan Patience { get; } = (2 * requestTimeout) + TimeSpan.FromSeconds(4);

    private readonly Dictionary<string, (string Heal, DateTimeOffset Since)> _suspects = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];

    public IReadOnlyList<string> Violations => _violations;

    public async Task ObserveAsync(IReadOnlyCollection<ConnectionSnapshot> snapshots)
    {
        var unscheduled = snapshots.Where(s => s is { Phase: ConnectionPhase.Healing, NextAttemptAt: null }).Select(s => s.ConnectionId).ToList();
        var withReminder = unscheduled.Count == 0
            ? []
            : (await RedisReminders.WithBackstopAsync(redis, serviceId, unscheduled)).ToHashSet(StringComparer.Ordinal);
        var now = DateTimeOffset.UtcNow;
        foreach (var snapshot in snapshots)
        {
            var id = snapshot.ConnectionId;
            if (!unscheduled.Contains(id) || withReminder.Contains(id))
            {
                _suspects.Remove(id);
                continue;
            }

            var heal = $"{snapshot.CurrentHeal?.IncidentId} after {snapshot.CurrentHeal?.Attempts} attempts";
            if (!_suspects.TryGetValue(id, out var suspect) || suspect.Heal != heal)
            {
                _suspects[id] = (heal, now);
            }
            else if (now - suspect.Since > Patience && _violations.All(v => !v.StartsWith(id, StringComparison.Ordinal)))
            {
                _violations.Add($"{id}: Healing ({snapshot.CurrentHeal?.Decision}, heal {heal}) with no next attempt and no heal-backstop " +
                                $"reminder in Redis for {(now - suspect.Since).TotalSeconds:F1} s; reason: {snapshot.Reason}");
            }
        }
    }
}
