using Grpc.Core;
using Nsm.Api;

namespace Nsm.Simulator.Requests;

/// <summary>
/// Rejects malformed Requests and Closes up front with InvalidArgument and a message naming the field and
/// the rule, before anything is chosen or written.
/// </summary>
internal static class RequestValidator
{
    public static void ValidateRequest(NetworkServiceRequest request)
    {
        var connection = request.Connection ?? throw Invalid("connection is required");
        ValidateIdentity(connection);
        if (connection.NetworkService.Length == 0)
        {
            throw Invalid("connection.network_service must not be empty");
        }

        if (request.MechanismPreferences.Count == 0 && connection.Mechanism is null)
        {
            throw Invalid("mechanism_preferences must not be empty when connection.mechanism is not set");
        }
    }

    public static void ValidateClose(Connection connection) => ValidateIdentity(connection);

    /// <summary>The NSC is segment 0 and, at the caller's index, the segment id is the connection id.</summary>
    private static void ValidateIdentity(Connection connection)
    {
        if (connection.Id.Length == 0)
        {
            throw Invalid("connection.id must not be empty");
        }

        var path = connection.Path;
        if (path is null || path.PathSegments.Count == 0)
        {
            throw Invalid("connection.path must hold segment 0 for the NSC");
        }

        if (path.Index != 0)
        {
            throw Invalid($"connection.path.index must be 0 (the NSC's segment; this NSMgr serves NSCs), got {path.Index}");
        }

        var nsc = path.PathSegments[0];
        if (nsc.Name.Length == 0)
        {
            throw Invalid("connection.path.path_segments[0].name (the NSC's name) must not be empty");
        }

        if (nsc.Id != connection.Id)
        {
            throw Invalid($"connection.path.path_segments[0].id '{nsc.Id}' must equal connection.id '{connection.Id}'");
        }
    }

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));
}
