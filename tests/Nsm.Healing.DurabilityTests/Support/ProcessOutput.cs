using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>Everything a child process wrote to stdout and stderr, kept for assertions and failure messages.</summary>
public sealed class ProcessOutput
{
    private readonly ConcurrentQueue<string> _lines = new();

    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public bool Contains(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public string Tail(int lines = 60) => string.Join("\n", _lines.TakeLast(lines));

    public IReadOnlyList<string> All() => [.. _lines];

    private void Add(string? line)
    {
        if (line is not null)
        {
            _lines.Enqueue(line);
        }
    }
}
