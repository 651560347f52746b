using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>Every log message of an in-process host (a test's Orleans client), for assertions on what it says.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public bool Contains(string text) => _messages.Any(message => message.Contains(text, StringComparison.Ordinal));

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue($"{logLevel} {category}[{eventId.Name}]: {formatter(state, exception)}{(exception is null ? "" : $" {exception}")}");
    }
}
