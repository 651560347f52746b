namespace Nsm.Healing.Custody;

/// <summary>
/// Where a reselect goes when NSEs of its network service are quarantined. NSM offers one way to steer a Request: name
/// the endpoint (<c>network_service_endpoint_name</c>), which the NSMgr's discovery then uses instead of choosing. It has
/// no way to exclude one. So a reselect of a service with a quarantined NSE names a healthy one: an NSE the cluster's own
/// connections of that service are Up on, neither quarantined nor the one this connection just lost. With none known it
/// goes unnamed, as upstream does. Forwarders cannot be excluded either (the NSMgr only prefers the forwarder named in
/// the path's next segment); a looping forwarder is quarantined for operators to see, and its connections back off.
/// </summary>
public static class ReselectSteering
{
    /// <returns>The NSE to name in the reselect, or null to let the NSMgr choose.</returns>
    public static string? Choose(QuarantineSnapshot quarantine, string networkService, string? lostEndpoint, string connectionId, DateTimeOffset now)
    {
        var steering = quarantine.Entries.Any(entry =>
            entry is { Kind: EndpointKind.Nse } && entry.Until > now && entry.NetworkServices.Contains(networkService, StringComparer.Ordinal));
        if (!steering || !quarantine.ServingEndpoints.TryGetValue(networkService, out var serving))
        {
            return null;
        }

        var healthy = serving
            .Where(nse => nse != lostEndpoint && !quarantine.IsQuarantined(EndpointKind.Nse, nse, now))
            .Order(StringComparer.Ordinal)
            .ToList();
        // Spread the connections that move over the healthy NSEs, the same way for a connection every time.
        return healthy.Count == 0 ? null : healthy[(int)(StableHash(connectionId) % (uint)healthy.Count)];
    }

    private static uint StableHash(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return hash;
    }
}
