using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Nsm.Healing.Cluster.Tls;

namespace Nsm.Healing.Cli.Cluster;

/// <summary>
/// Keeps the last TLS handshake failure of the CLI's Orleans client, whose logging is otherwise off: a refused handshake
/// only makes the client retry until the connect timeout, and the operator should read why rather than "no gateway answered".
/// </summary>
internal sealed class TlsFailureRecorder : ILoggerProvider
{
    private volatile string? _last;

    public string? Last => _last;

    public ILogger CreateLogger(string categoryName) =>
        categoryName == ClusterTlsConnections.LogCategory ? new Recorder(this) : NullLogger.Instance;

    public void Dispose()
    {
    }

    private sealed class Recorder(TlsFailureRecorder owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                owner._last = formatter(state, exception);
            }
        }
    }
}
