using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nsm.Healing.LocalProcesses;

/// <summary>What a child process wrote to stdout and stderr, kept for assertions and failure messages.</summary>
public sealed class ProcessOutput
{
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly int? _keepLast;

    /// <param name="keepLast">Keep only the last lines (bounded memory for a long run), or everything when null.</param>
    internal ProcessOutput(int? keepLast) => _keepLast = keepLast;

    public bool Contains(string text) => _lines.Any(line => line.Contains(text, StringComparison.Ordinal));

    public string Tail(int lines = 60) => string.Join(Environment.NewLine, _lines.TakeLast(lines));

    public IReadOnlyList<string> All() => [.. _lines];

    internal void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > _keepLast && _lines.TryDequeue(out _))
        {
        }
    }
}
