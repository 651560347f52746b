using System.Collections.Concurrent;
using System.Diagnostics;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// A process started here, with its output captured. Every child is killed when disposed, and also when this
/// process exits without disposing it (an aborted test run, a demo cut short), so no silo or redis-server outlives it.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, bool> Running = new();

    private readonly Process _process;
    private int _disposed;

    static ChildProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) =>
    {
        foreach (var child in Running.Keys)
        {
            child.KillNow();
        }
    };

    private ChildProcess(Process process, ProcessOutput output)
    {
        _process = process;
        Output = output;
    }

    public ProcessOutput Output { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="outputLines">How many of the last output lines to keep; all when null.</param>
    public static ChildProcess Start(string executable, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, int? outputLines)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Only what the caller says configures a child: not the runner's own Nsm__ or ASPNETCORE_ settings.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Nsm__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var child = new ChildProcess(process, new ProcessOutput(outputLines));
        Running[child] = true;
        child.Output.Attach(process);
        return child;
    }

    /// <summary>SIGKILL unless it already exited, then waits until it is gone: no shutdown code runs, its sockets are reset.</summary>
    public async Task KillAsync()
    {
        KillNow();
        await _process.WaitForExitAsync();
    }

    public Task WaitForExitAsync(CancellationToken cancellation) => _process.WaitForExitAsync(cancellation);

    public async ValueTask DisposeAsync()
    {
        // Idempotent, as IAsyncDisposable should be: a disposed Process cannot even be waited on.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await KillAsync();
        Running.TryRemove(this, out _);
        _process.Dispose();
    }

    private void KillNow()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited on its own meanwhile.
        }
    }
}
