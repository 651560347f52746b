namespace Nsm.Healing.Cli;

/// <summary>An error the operator should read as one line, with the exit code that classifies it.</summary>
public sealed class CliException(int exitCode, string message, Exception? inner = null) : Exception(message, inner)
{
    public int ExitCode { get; } = exitCode;

    public static CliException Usage(string message) => new(ExitCodes.Usage, message);

    public static CliException NotFound(string connectionId) =>
        new(ExitCodes.NotFound, $"no connection '{connectionId}' is registered in the cluster");

    public static CliException Failed(string message) => new(ExitCodes.Failed, message);
}
