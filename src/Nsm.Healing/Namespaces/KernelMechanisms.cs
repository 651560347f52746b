using Nsm.Api;

namespace Nsm.Healing.Namespaces;

/// <summary>
/// Which mechanisms put an interface into the NSC's network namespace, and where they name it: the KERNEL mechanism's
/// <c>inodeURL</c> parameter (<c>inode://dev/ino</c> or <c>file:///path</c>), as upstream's sdk writes it.
/// </summary>
public static class KernelMechanisms
{
    public const string Type = "KERNEL";
    public const string InodeUrlParameter = "inodeURL";

    /// <summary>A mechanism that needs the namespace passed: KERNEL, or any that names a namespace.</summary>
    public static bool NeedsNamespace(Mechanism mechanism) =>
        mechanism.Type == Type || mechanism.Parameters.ContainsKey(InodeUrlParameter);

    /// <summary>The mechanisms a Request offers: its preferences and the connection's current one.</summary>
    public static IEnumerable<Mechanism> Of(NetworkServiceRequest request) =>
        request.Connection?.Mechanism is { } current ? request.MechanismPreferences.Append(current) : request.MechanismPreferences;

    /// <summary>
    /// The namespace the mechanisms name, or null when none needs one. Throws <see cref="ArgumentException"/> when a
    /// KERNEL mechanism names none, or two name different ones.
    /// </summary>
    public static string? StatedNamespace(IEnumerable<Mechanism> mechanisms)
    {
        string? stated = null;
        foreach (var mechanism in mechanisms.Where(NeedsNamespace))
        {
            if (!mechanism.Parameters.TryGetValue(InodeUrlParameter, out var url) || string.IsNullOrWhiteSpace(url))
            {
                throw new ArgumentException(
                    $"mechanism {mechanism.Cls}/{mechanism.Type} has no '{InodeUrlParameter}' parameter: state the NSC's network namespace as inode://dev/ino (the client library fills it)");
            }

            if (stated is not null && stated != url)
            {
                throw new ArgumentException($"mechanisms name two network namespaces, '{stated}' and '{url}': an NSC lives in one");
            }

            stated = url;
        }

        return stated;
    }

    /// <summary>Sets <c>inodeURL</c> to <paramref name="to"/> wherever it is <paramref name="from"/>.</summary>
    public static void Rewrite(IEnumerable<Mechanism> mechanisms, string from, string to)
    {
        foreach (var mechanism in mechanisms)
        {
            if (mechanism.Parameters.TryGetValue(InodeUrlParameter, out var url) && url == from)
            {
                mechanism.Parameters[InodeUrlParameter] = to;
            }
        }
    }
}
