using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>Keeps every log line the silo writes, so a test can check what an operator would read.</summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<(string EventName, string Message)> _lines = new();

    /// <summary>
    /// Where the log is now. A test marks it before starting its server: loopback ports are reused, so lines about an
    /// earlier test's server can name the same address.
    /// </summary>
    public int Mark() => _lines.Count;

    /// <summary>Messages of the lines, written since <paramref name="since"/>, with this event name that mention <paramref name="mentioning"/>.</summary>
    public IReadOnlyList<string> Lines(string eventName, string mentioning, int since) =>
        _lines.Skip(since).Where(l => l.EventName == eventName && l.Message.Contains(mentioning, StringComparison.Ordinal)).Select(l => l.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(_lines);

    public void Dispose()
    {
    }

    private sealed class Logger(ConcurrentQueue<(string, string)> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel) && eventId.Name is { } name)
            {
                lines.Enqueue((name, formatter(state, exception)));
            }
        }
    }
}
