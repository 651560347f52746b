using Nsm.Api;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Requests;

/// <summary>
/// Checks what an NSC hands over before anything is sent or stored, and fills in the NSC's own path
/// segment when the request has none. Each error names the field and the rule.
/// </summary>
public static class InitialRequestValidator
{
    public static NetworkServiceRequest Prepare(string grainKey, ConnectionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        NsmgrAddress.Parse(request.NsmgrAddress);
        (request.Policy ?? throw new ArgumentException("policy: must not be null", nameof(request))).Validate();
        var prepared = (request.Request ?? throw new ArgumentException("request: the NetworkServiceRequest must not be null", nameof(request))).Clone();
        var connection = prepared.Connection ?? throw new ArgumentException("request.connection: must not be null", nameof(request));

        RequireConnectionId(grainKey, connection.Id);
        if (string.IsNullOrWhiteSpace(connection.NetworkService))
        {
            throw new ArgumentException("request.connection.network_service: must not be empty", nameof(request));
        }

        RequireMechanismPreferences(prepared.MechanismPreferences.Count);
        if (ConnectionInputRules.FindLabelsProblem(connection.Labels) is { } labelsProblem)
        {
            throw new ArgumentException($"request.connection.labels: {labelsProblem}", nameof(request));
        }

        EnsureClientSegment(connection, request.ClientName);
        return prepared;
    }

    /// <summary>A reselect clears the mechanism and offers the preferences again, so without them a connection could never reselect.</summary>
    public static void RequireMechanismPreferences(int count)
    {
        if (count == 0)
        {
            throw new ArgumentException("request.mechanism_preferences: at least one mechanism is required (a reselect offers them again)", "mechanism_preferences");
        }
    }

    public static void RequireConnectionId(string grainKey, string connectionId)
    {
        if (string.IsNullOrWhiteSpace(connectionId))
        {
            throw new ArgumentException("connection.id: must not be empty", nameof(connectionId));
        }

        if (ConnectionInputRules.FindTextProblem(connectionId) is { } problem)
        {
            throw new ArgumentException($"connection.id: {problem}", nameof(connectionId));
        }

        if (!string.Equals(connectionId, grainKey, StringComparison.Ordinal))
        {
            throw new ArgumentException($"connection.id: '{connectionId}' does not match the connection grain key '{grainKey}'", nameof(connectionId));
        }
    }

    /// <summary>An adopted connection's labels and path text obey the same limits as a first Request's.</summary>
    public static void RequireAdoptableText(Connection connection)
    {
        if (ConnectionInputRules.FindLabelsProblem(connection.Labels) is { } labelsProblem)
        {
            throw new ArgumentException($"connection.labels: {labelsProblem}", nameof(connection));
        }

        if (connection.Path is { } path)
        {
            RequireWellFormedPath(path);
        }
    }

    /// <summary>The NSC is hop 0 and its segment id is the connection id (nsm-wire.md, Path).</summary>
    private static void EnsureClientSegment(Connection connection, string clientName)
    {
        if (connection.Path is null || connection.Path.PathSegments.Count == 0)
        {
            if (string.IsNullOrWhiteSpace(clientName))
            {
                throw new ArgumentException("clientName: must not be empty when the request has no path", nameof(clientName));
            }

            if (ConnectionInputRules.FindTextProblem(clientName) is { } problem)
            {
                throw new ArgumentException($"clientName: {problem}", nameof(clientName));
            }

            connection.Path = new Api.Path { Index = 0, PathSegments = { new PathSegment { Name = clientName, Id = connection.Id } } };
            return;
        }

        RequireWellFormedPath(connection.Path);
        if (connection.Path.PathSegments[0].Id != connection.Id)
        {
            throw new ArgumentException(
                $"request.connection.path.path_segments[0].id: '{connection.Path.PathSegments[0].Id}' must equal the connection id '{connection.Id}'",
                nameof(connection));
        }

        connection.Path.Index = 0;
    }

    private static void RequireWellFormedPath(Api.Path path)
    {
        for (var i = 0; i < path.PathSegments.Count; i++)
        {
            var segment = path.PathSegments[i];
            if (ConnectionInputRules.FindTextProblem(segment.Id) is { } idProblem)
            {
                throw new ArgumentException($"request.connection.path.path_segments[{i}].id: {idProblem}", "connection");
            }

            if (ConnectionInputRules.FindTextProblem(segment.Name) is { } nameProblem)
            {
                throw new ArgumentException($"request.connection.path.path_segments[{i}].name: {nameProblem}", "connection");
            }
        }
    }
}
