using System.Globalization;
using System.IO;

namespace Nsm.Simulator.DataPlane;

/// <summary>
/// Named network namespaces a process makes for itself (<c>ip netns add</c>), named <c>PREFIX-PID-N</c> so that what a
/// crashed run left behind is recognisable: <see cref="SweepLeftovers"/> deletes those whose PID no longer lives.
/// Nothing here touches the root namespace's interfaces, addresses or routes.
/// </summary>
public static class OwnedNetworkNamespaces
{
    /// <summary>The simulator's namespaces (one per NSE with a kernel vWire).</summary>
    public const string SimulatorPrefix = "nsmsim";

    /// <summary>Where <c>ip netns</c> keeps its names.</summary>
    private const string RunDirectory = "/run/netns";

    private static long _sequence;

    /// <summary>Makes a new namespace <c>PREFIX-PID-N</c> and returns its name.</summary>
    public static string Create(string prefix)
    {
        ValidatePrefix(prefix);
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{Environment.ProcessId}-{Interlocked.Increment(ref _sequence)}");
        IpRoute.Tool("ip", ["netns", "add", name]);
        return name;
    }

    /// <summary>Deletes the name (the namespace goes once nothing holds it any more); a name already gone is fine.</summary>
    public static void Delete(string name)
    {
        try
        {
            IpRoute.Tool("ip", ["netns", "delete", name]);
        }
        catch (KernelCommandException e) when (e.IsMissing)
        {
        }
    }

    /// <summary>Namespaces named with <paramref name="prefix"/> by this process, now.</summary>
    public static IReadOnlyList<string> OwnedByThisProcess(string prefix) =>
        [.. Names(prefix).Where(name => OwnerOf(name, prefix) == Environment.ProcessId)];

    /// <summary>
    /// Deletes every <paramref name="prefix"/> namespace whose creating process is gone, after killing what still runs
    /// in it (an NSC stand-in a crashed test left). Returns the names deleted.
    /// </summary>
    public static IReadOnlyList<string> SweepLeftovers(string prefix)
    {
        var swept = new List<string>();
        foreach (var name in Names(prefix))
        {
            if (OwnerOf(name, prefix) is not { } owner || Directory.Exists($"/proc/{owner}"))
            {
                continue;
            }

            var pids = IpRoute.Tool("ip", ["netns", "pids", name]).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            foreach (var pid in pids)
            {
                try
                {
                    using var process = System.Diagnostics.Process.GetProcessById(int.Parse(pid, CultureInfo.InvariantCulture));
                    process.Kill();
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            Delete(name);
            swept.Add(name);
        }

        return swept;
    }

    private static IEnumerable<string> Names(string prefix)
    {
        ValidatePrefix(prefix);
        return Directory.Exists(RunDirectory)
            ? Directory.EnumerateFiles(RunDirectory, $"{prefix}-*").Select(System.IO.Path.GetFileName).OfType<string>().ToList()
            : [];
    }

    private static int? OwnerOf(string name, string prefix)
    {
        var parts = name[(prefix.Length + 1)..].Split('-');
        return parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    private static void ValidatePrefix(string prefix)
    {
        if (prefix.Length == 0 || !prefix.All(char.IsAsciiLetterLower))
        {
            throw new ArgumentException($"a namespace prefix is lower-case ASCII letters only (was '{prefix}')", nameof(prefix));
        }
    }
}
