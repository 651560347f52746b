namespace Nsm.Healing.Cli;

/// <summary>What `nsm-heal` exits with, so scripts can tell a bad call from a broken cluster (docs/operations.md).</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The operation failed: the NSMgr refused, a connection is Failed, a demo expectation was not met.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: unknown verb or option, a value that does not parse or breaks a rule.</summary>
    public const int Usage = 2;

    /// <summary>No silo of the cluster could be reached.</summary>
    public const int ClusterUnreachable = 3;

    /// <summary>No connection is registered under the id.</summary>
    public const int NotFound = 4;

    /// <summary>Interrupted (Ctrl-C) before the operation finished, as shells report SIGINT.</summary>
    public const int Interrupted = 130;
}
