using Nsm.Api;

namespace Nsm.Healing.Requests;

/// <summary>When to re-Request so no path token expires: a fraction of the shortest token lifetime on the path.</summary>
public static class RefreshSchedule
{
    /// <returns>The refresh time, or null when the path carries no expiry at all (nothing to keep alive).</returns>
    public static DateTimeOffset? NextRefreshAt(Connection connection, DateTimeOffset now, double refreshFraction)
    {
        var expiries = connection.Path?.PathSegments
            .Where(segment => segment.Expires is not null)
            .Select(segment => segment.Expires.ToDateTimeOffset())
            .ToList();
        if (expiries is null || expiries.Count == 0)
        {
            return null;
        }

        var lifetime = expiries.Min() - now;
        return lifetime <= TimeSpan.Zero ? now : now + lifetime * refreshFraction;
    }
}
