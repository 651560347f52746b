using Nsm.Healing.LocalProcesses;
using StackExchange.Redis;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// Reads the heal-backstop reminders straight from Redis, where Orleans' Redis reminder table keeps them: one sorted
/// set per service, "{ServiceId}/reminders", one JSON entry per reminder naming the grain and the reminder.
/// </summary>
public static class RedisReminders
{
    private const string BackstopReminder = "heal-backstop";

    /// <summary>The connection ids among <paramref name="ids"/> that have a heal-backstop reminder stored.</summary>
    public static async Task<IReadOnlyList<string>> WithBackstopAsync(RedisServer redis, string serviceId, IReadOnlyList<string> ids)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis.ConnectionString);
        var entries = (await connection.GetDatabase().SortedSetRangeByRankAsync($"{serviceId}/reminders"))
            .Select(entry => entry.ToString())
            .Where(entry => entry.Contains(BackstopReminder, StringComparison.Ordinal))
            .ToList();
        return [.. ids.Where(id => entries.Any(entry => entry.Contains(id, StringComparison.Ordinal)))];
    }
}
