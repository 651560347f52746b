using Nsm.Healing.Cli.Cluster;
using System.IO;

namespace Nsm.Healing.Cli;

/// <summary>
/// Everything a command touches outside itself: where it writes, how it reaches the cluster, the environment it
/// reads defaults from. Tests hand in their own, so they run the same parsing and handlers as the command line.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Output { get; init; }

    public required TextWriter Error { get; init; }

    public required IClusterConnector Connector { get; init; }

    /// <summary>Reads an environment variable (the silo's keys, e.g. Nsm__Cluster__GatewayPort, set defaults).</summary>
    public Func<string, string?> GetVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>
    /// The width of the terminal <see cref="Output"/> is, or null when it is not one (CI, a pipe). On a terminal the
    /// demo redraws its view in place, with lines cut to this width so the redraw knows how many rows to erase.
    /// </summary>
    public int? TerminalWidth { get; init; }

    public static CliEnvironment ForConsole() => new()
    {
        Output = Console.Out,
        Error = Console.Error,
        Connector = new OrleansClusterConnector(),
        TerminalWidth = Console.IsOutputRedirected ? null : Math.Max(Console.WindowWidth, 40),
    };
}
