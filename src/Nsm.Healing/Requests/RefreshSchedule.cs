using Nsm.Api;

namespace Nsm.Healing.Requests;

/// <summary>
/// When to re-Request so no token expires: a fraction of the shortest token lifetime, among the path's and the one we
/// sent (the NSMgr times the connection out when ours expires, whatever the path says).
/// </summary>
public static class RefreshSchedule
{
    /// <param name="ownTokenExpires">When the token we sent expires, if known.</param>
    /// <returns>The refresh time, or null when neither the path nor our token carries an expiry (nothing to keep alive).</returns>
    public static DateTimeOffset? NextRefreshAt(Connection connection, DateTimeOffset? ownTokenExpires, DateTimeOffset now, double refreshFraction)
    {
        var expiries = (connection.Path?.PathSegments ?? [])
            .Where(segment => segment.Expires is not null)
            .Select(segment => segment.Expires.ToDateTimeOffset())
            .ToList();
        if (ownTokenExpires is { } own)
        {
            expiries.Add(own);
        }

        if (expiries.Count == 0)
        {
            return null;
        }

        var lifetime = expiries.Min() - now;
        return lifetime <= TimeSpan.Zero ? now : now + lifetime * refreshFraction;
    }
}
