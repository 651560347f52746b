using Nsm.Api;

namespace Nsm.Healing.Requests;

/// <summary>
/// Builds the requests a heal sends, by the NSM wire rules (nsm-wire.md). Pure: takes the last good
/// request, returns a new one, never touches the original.
/// </summary>
public static class HealRequests
{
    /// <summary>
    /// Restore (and refresh): the last successful request unchanged — same endpoint name, same path —
    /// so the NSMgr routes to the same NSE and forwarder and the working data plane stays.
    /// </summary>
    public static NetworkServiceRequest Restore(NetworkServiceRequest lastGood)
    {
        var request = lastGood.Clone();
        request.Connection.Path.Index = 0;
        request.Connection.State = State.Up;
        return request;
    }

    /// <summary>
    /// Reselect: mechanism cleared, endpoint name "", state RESELECT_REQUESTED; id, path, context,
    /// labels, network service, payload and the mechanism preferences stay, as the upstream client sends it.
    /// </summary>
    public static NetworkServiceRequest Reselect(NetworkServiceRequest lastGood)
    {
        var request = lastGood.Clone();
        var connection = request.Connection;
        connection.Mechanism = null;
        connection.NetworkServiceEndpointName = "";
        connection.State = State.ReselectRequested;
        connection.Path.Index = 0;
        return request;
    }

    /// <summary>The request to remember after the NSMgr answered: the original preferences, with the connection it returned.</summary>
    public static NetworkServiceRequest WithAnswer(NetworkServiceRequest sent, Connection answer) =>
        new() { Connection = answer.Clone(), MechanismPreferences = { sent.MechanismPreferences.Select(m => m.Clone()) } };

    /// <summary>Close carries the last connection returned, with the path index back at the NSC.</summary>
    public static Connection ForClose(Connection last)
    {
        var connection = last.Clone();
        if (connection.Path is not null)
        {
            connection.Path.Index = 0;
        }

        return connection;
    }
}
