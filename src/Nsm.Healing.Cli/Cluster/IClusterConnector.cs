namespace Nsm.Healing.Cli.Cluster;

/// <summary>Opens a session with a healing cluster; tests hand in one over their in-process cluster.</summary>
public interface IClusterConnector
{
    /// <exception cref="CliException">With <see cref="ExitCodes.ClusterUnreachable"/> when no gateway answers in time.</exception>
    Task<IClusterSession> ConnectAsync(ClusterTarget target, CancellationToken cancellationToken);
}

/// <summary>A connected grain client; disposing disconnects.</summary>
public interface IClusterSession : IAsyncDisposable
{
    IGrainFactory Grains { get; }
}
