using System.Runtime.CompilerServices;
using Nsm.Api;

namespace Nsm.Healing.Client;

/// <summary>
/// Checks what an NSC passes before it reaches a grain, so a mistake fails at the caller with the field's name and rule
/// rather than inside the cluster.
/// </summary>
internal static class ConnectionArguments
{
    public static void ValidateId(string connectionId, [CallerArgumentExpression(nameof(connectionId))] string name = "")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionId, name);
        RequireWellFormed(connectionId, name, name);
    }

    public static void Validate(ConnectionRequest request, [CallerArgumentExpression(nameof(request))] string name = "")
    {
        ArgumentNullException.ThrowIfNull(request, name);
        ValidateNsmgrAddress(request.NsmgrAddress, $"{name}.{nameof(request.NsmgrAddress)}", name);
        Require(request.Request is not null, $"{name}.{nameof(request.Request)} must be set", name);
        ValidateConnection(request.Request.Connection, $"{name}.{nameof(request.Request)}.{nameof(request.Request.Connection)}", name, requirePath: false);
        Require(!string.IsNullOrWhiteSpace(request.ClientName), $"{name}.{nameof(request.ClientName)} must not be empty: it names the NSC's path segment", name);
        RequireWellFormed(request.ClientName, $"{name}.{nameof(request.ClientName)}", name);
        ValidatePolicy(request.Policy, $"{name}.{nameof(request.Policy)}", name);
    }

    public static void Validate(AdoptRequest request, [CallerArgumentExpression(nameof(request))] string name = "")
    {
        ArgumentNullException.ThrowIfNull(request, name);
        ValidateNsmgrAddress(request.NsmgrAddress, $"{name}.{nameof(request.NsmgrAddress)}", name);
        // The grain refreshes an adopted connection with the tokens on its path, so the path must be the one the NSMgr returned.
        ValidateConnection(request.Connection, $"{name}.{nameof(request.Connection)}", name, requirePath: true);
        Require(request.MechanismPreferences is not null, $"{name}.{nameof(request.MechanismPreferences)} must not be null (use an empty list)", name);
        ValidatePolicy(request.Policy, $"{name}.{nameof(request.Policy)}", name);
    }

    public static void Validate(DataPlaneVerdict verdict, [CallerArgumentExpression(nameof(verdict))] string name = "")
    {
        if (!Enum.IsDefined(verdict))
        {
            throw new ArgumentOutOfRangeException(name, verdict, $"{name} must be {nameof(DataPlaneVerdict.Unknown)}, {nameof(DataPlaneVerdict.Up)} or {nameof(DataPlaneVerdict.Down)}");
        }
    }

    private static void ValidateNsmgrAddress(string address, string field, string name)
    {
        // The silo parses with the same rules; failing here names the caller's field instead of the grain's.
        var valid = NsmgrAddress.TryParse(address, out _, out var problem);
        Require(valid, $"{field} must be http://host:port, https://host:port, tcp://host:port or unix:///path: {problem}", name);
    }

    // Segment 0 is the NSC's own, and at the NSC hop the connection id is that segment's id (see nsm-wire.md, Path).
    private static void ValidateConnection(Connection? connection, string field, string name, bool requirePath)
    {
        Require(connection is not null, $"{field} must be set: its id is the connection's key", name);
        Require(!string.IsNullOrWhiteSpace(connection.Id), $"{field}.{nameof(connection.Id)} must not be empty: it is the connection's key", name);
        RequireWellFormed(connection.Id, $"{field}.{nameof(connection.Id)}", name);
        var labelsProblem = ConnectionInputRules.FindLabelsProblem(connection.Labels);
        Require(labelsProblem is null, $"{field}.{nameof(connection.Labels)} {labelsProblem}", name);
        var segments = connection.Path?.PathSegments;
        Require(!requirePath || segments is { Count: > 0 }, $"{field}.{nameof(connection.Path)} must hold the path the NSMgr returned, starting with the NSC's segment", name);
        for (var i = 0; segments is not null && i < segments.Count; i++)
        {
            RequireWellFormed(segments[i].Id, $"{field}.{nameof(connection.Path)}.{nameof(connection.Path.PathSegments)}[{i}].{nameof(PathSegment.Id)}", name);
            RequireWellFormed(segments[i].Name, $"{field}.{nameof(connection.Path)}.{nameof(connection.Path.PathSegments)}[{i}].{nameof(PathSegment.Name)}", name);
        }

        if (segments is { Count: > 0 })
        {
            var ownId = segments[0].Id;
            Require(ownId == connection.Id, $"{field}.{nameof(connection.Path)}.{nameof(connection.Path.PathSegments)}[0].{nameof(PathSegment.Id)} ('{ownId}') must equal {field}.{nameof(connection.Id)} ('{connection.Id}'): segment 0 is the NSC's own", name);
        }
    }

    private static void RequireWellFormed(string text, string field, string name)
    {
        var problem = ConnectionInputRules.FindTextProblem(text);
        Require(problem is null, $"{field} {problem}", name);
    }

    private static void ValidatePolicy(HealPolicy policy, string field, string name)
    {
        Require(policy is not null, $"{field} must not be null (leave it unset for the defaults)", name);
        policy.Validate();
    }

    private static void Require([System.Diagnostics.CodeAnalysis.DoesNotReturnIf(false)] bool condition, string message, string name)
    {
        if (!condition)
        {
            throw new ArgumentException(message, name);
        }
    }
}
