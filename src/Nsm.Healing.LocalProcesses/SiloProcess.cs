using System.IO;
using System.Net;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// One silo of the real host (Nsm.Healing.Silo.dll from a build output) as an OS process, configured by
/// environment variables the way a container would be. Disposing kills it if it still runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly ChildProcess _process;

    private SiloProcess(string name, SiloPorts ports, ChildProcess process)
    {
        Name = name;
        Ports = ports;
        _process = process;
    }

    public string Name { get; }

    public SiloPorts Ports { get; }

    public ProcessOutput Output => _process.Output;

    public int Pid => _process.Pid;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <param name="hostAssembly">Path of Nsm.Healing.Silo.dll.</param>
    /// <param name="settings">Environment of the silo, applied over the ports and console format set here.</param>
    /// <param name="outputLines">How many of the last output lines to keep; all when null.</param>
    public static SiloProcess Start(string name, string hostAssembly, SiloPorts ports, IReadOnlyDictionary<string, string> settings, int? outputLines = null)
    {
        if (!File.Exists(hostAssembly))
        {
            throw new InvalidOperationException($"the silo host is not built at {hostAssembly}; build the solution first");
        }

        var environment = new Dictionary<string, string>
        {
            ["Nsm__Cluster__SiloPort"] = ports.Silo.ToString(),
            ["Nsm__Cluster__GatewayPort"] = ports.Gateway.ToString(),
            ["Nsm__Cluster__HttpPort"] = ports.Http.ToString(),
            // Local silos dial simulated NSMgrs on this machine: loopback TCP and sockets under the temporary directory.
            ["Nsm__Nsmgr__AllowedAddresses__0"] = "http://127.0.0.1:*",
            ["Nsm__Nsmgr__AllowedAddresses__1"] = "https://127.0.0.1:*",
            ["Nsm__Nsmgr__AllowedAddresses__2"] = $"unix://{Path.GetTempPath().TrimEnd('/')}/*",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            environment[key] = value;
        }

        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return new SiloProcess(name, ports, ChildProcess.Start(dotnet, [hostAssembly], environment, outputLines));
    }

    /// <summary>GET a health endpoint: its status code, or null while nothing answers.</summary>
    public async Task<HttpStatusCode?> ProbeAsync(string path, CancellationToken cancellation = default)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{Ports.Http}{path}", cancellation);
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Until the silo is Active in the cluster (its readiness endpoint answers 200).</summary>
    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellation = default) => Poll.UntilAsync(
        async () => HasExited
            ? throw new InvalidOperationException($"silo {Name} exited with {ExitCode} before it was ready:\n{Output.Tail()}")
            : await ProbeAsync("/healthz/ready", cancellation) == HttpStatusCode.OK,
        $"silo {Name} to be ready", timeout, Describe, cancellation);

    /// <summary>Its last output; a silo that wrote nothing at all says instead what the kernel knows of it.</summary>
    private string Describe() => Output.All().Count > 0 ? Output.Tail() : $"no output at all; {KernelView()}";

    private string KernelView()
    {
        try
        {
            var state = File.ReadLines($"/proc/{Pid}/status").FirstOrDefault(line => line.StartsWith("State:", StringComparison.Ordinal));
            var threads = Directory.GetDirectories($"/proc/{Pid}/task");
            var waits = threads.Select(task => File.ReadAllText(Path.Combine(task, "wchan"))).GroupBy(wchan => wchan).Select(g => $"{g.Key} ×{g.Count()}");
            return $"pid {Pid} {state?.Trim()}, {threads.Length} threads waiting in: {string.Join(", ", waits)}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"pid {Pid}: /proc unreadable ({e.Message})";
        }
    }

    /// <summary>SIGKILL: the process ends at once, no shutdown code runs, its sockets are reset, as when a host dies.</summary>
    public Task KillAsync() => _process.KillAsync();

    /// <summary>SIGTERM, what Kubernetes sends first: the silo leaves the cluster gracefully.</summary>
    public void Terminate() => Signals.Terminate(Pid);

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"silo {Name} did not exit within {timeout.TotalSeconds} s:\n{Output.Tail()}");
        }

        return ExitCode;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
