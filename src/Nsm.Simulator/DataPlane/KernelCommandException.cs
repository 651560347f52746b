namespace Nsm.Simulator.DataPlane;

/// <summary>An iproute2 (or nsenter) command the kernel or the tool refused; the message holds the command line and its stderr.</summary>
public sealed class KernelCommandException(string command, int exitCode, string error)
    : Exception($"`{command}` exited {exitCode}: {error.Trim()}")
{
    public string Command { get; } = command;

    public int ExitCode { get; } = exitCode;

    public string Error { get; } = error;

    /// <summary>The device or namespace was already gone: what a delete wanted anyway.</summary>
    public bool IsMissing =>
        Error.Contains("Cannot find device", StringComparison.Ordinal)
        || Error.Contains("does not exist", StringComparison.Ordinal)
        || Error.Contains("No such file or directory", StringComparison.Ordinal);
}
