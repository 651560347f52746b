using Nsm.Api;

namespace Nsm.Healing.Requests;

/// <summary>What an NSC's repeated Request changes about the connection held for it.</summary>
public enum RequestChange
{
    /// <summary>The same request again (e.g. after the NSC restarted): the held connection is its answer.</summary>
    None,

    /// <summary>Other labels, payload or mechanism preferences: the held connection, updated in place (same path).</summary>
    InPlace,

    /// <summary>Another network service: a new connection under the same id, once the held one is closed.</summary>
    NetworkService,
}

/// <summary>
/// Compares an NSC's Request with the one held for it, by what the NSC chose: network service, labels, payload (when it
/// names one) and mechanism preferences. What servers fill in (path, tokens, chosen mechanism, IP context) does not count.
/// </summary>
public static class RequestChanges
{
    public static RequestChange Between(NetworkServiceRequest held, NetworkServiceRequest asked)
    {
        var was = held.Connection;
        var now = asked.Connection;
        if (was.NetworkService != now.NetworkService)
        {
            return RequestChange.NetworkService;
        }

        var samePayload = now.Payload.Length == 0 || now.Payload == was.Payload;
        return samePayload && was.Labels.Equals(now.Labels) && held.MechanismPreferences.Equals(asked.MechanismPreferences)
            ? RequestChange.None
            : RequestChange.InPlace;
    }

    /// <summary>
    /// The held connection (same id, path and endpoint) carrying the NSC's new labels, payload and preferences. New
    /// preferences clear the chosen mechanism, so the NSMgr chooses again from them.
    /// </summary>
    public static NetworkServiceRequest UpdateOf(NetworkServiceRequest held, NetworkServiceRequest asked)
    {
        var update = HealRequests.Restore(held);
        var connection = update.Connection;
        connection.Labels.Clear();
        connection.Labels.Add(asked.Connection.Labels);
        if (asked.Connection.Payload.Length > 0)
        {
            connection.Payload = asked.Connection.Payload;
        }

        if (!held.MechanismPreferences.Equals(asked.MechanismPreferences))
        {
            update.MechanismPreferences.Clear();
            update.MechanismPreferences.Add(asked.MechanismPreferences.Select(m => m.Clone()));
            connection.Mechanism = null;
        }

        return update;
    }
}
