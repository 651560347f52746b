using Grpc.Core;
using Nsm.Api;

namespace Nsm.Simulator.DataPlane;

/// <summary>The NSC end's interface name: the kernel mechanism's <c>name</c> parameter, checked as the kernel would take it.</summary>
internal static class InterfaceName
{
    public const string Parameter = "name";

    /// <summary>The kernel's IFNAMSIZ less the terminating zero.</summary>
    private const int MaxLength = 15;

    /// <summary>The name the mechanism asks for, or null when it leaves it to the forwarder; a bad one fails InvalidArgument.</summary>
    public static string? Requested(Mechanism? mechanism)
    {
        if (mechanism is null || !mechanism.Parameters.TryGetValue(Parameter, out var name) || name.Length == 0)
        {
            return null;
        }

        if (name.Length > MaxLength || name is "." or ".." || name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || !char.IsAscii(c)))
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument,
                $"mechanism parameter {Parameter} '{name}' is not an interface name: at most {MaxLength} ASCII characters, no '/', ':' or spaces"));
        }

        return name;
    }
}
