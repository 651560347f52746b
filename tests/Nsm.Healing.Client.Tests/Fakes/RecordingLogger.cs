using Microsoft.Extensions.Logging;

namespace Nsm.Healing.Client.Tests.Fakes;

internal sealed record LogEntry(LogLevel Level, string EventName, string Message);

/// <summary>Keeps every log entry so tests can assert on event names and reasons.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    public Recorded<LogEntry> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add(new LogEntry(logLevel, eventId.Name ?? "", formatter(state, exception)));
}
