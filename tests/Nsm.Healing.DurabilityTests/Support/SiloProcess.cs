using System.Diagnostics;
using System.IO;
using System.Net;
using System.Reflection;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// One silo of the real host (Nsm.Healing.Silo.dll from its build output) as an OS process, configured by
/// environment variables the way a container would be. Disposing kills it if it still runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly Process _process;

    private SiloProcess(string name, SiloPorts ports, Process process, ProcessOutput output)
    {
        Name = name;
        Ports = ports;
        _process = process;
        Output = output;
    }

    public string Name { get; }

    public SiloPorts Ports { get; }

    public ProcessOutput Output { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The silo host built alongside this test project (same configuration).</summary>
    public static string HostAssembly { get; } = typeof(SiloProcess).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "SiloAssembly").Value!;

    public static SiloProcess Start(string name, SiloPorts ports, IReadOnlyDictionary<string, string> settings)
    {
        if (!File.Exists(HostAssembly))
        {
            throw new InvalidOperationException($"the silo host is not built at {HostAssembly}; build the solution first");
        }

        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            ArgumentList = { HostAssembly },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Nothing of the test runner's own environment may configure the silo, only what the test says.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Nsm__", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["Nsm__Cluster__SiloPort"] = ports.Silo.ToString();
        start.Environment["Nsm__Cluster__GatewayPort"] = ports.Gateway.ToString();
        start.Environment["Nsm__Cluster__HttpPort"] = ports.Http.ToString();
        start.Environment["Logging__Console__FormatterName"] = "simple";
        start.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        start.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        foreach (var (key, value) in settings)
        {
            start.Environment[key] = value;
        }

        var process = ChildProcesses.Start(start);
        var output = new ProcessOutput();
        output.Attach(process);
        return new SiloProcess(name, ports, process, output);
    }

    /// <summary>GET a health endpoint: its status code, or null while nothing answers.</summary>
    public async Task<HttpStatusCode?> ProbeAsync(string path)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{Ports.Http}{path}");
            return response.StatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    public Task WaitReadyAsync(TimeSpan timeout) => Eventually.True(
        async () => HasExited
            ? throw new InvalidOperationException($"silo {Name} exited with {ExitCode} before it was ready:\n{Output.Tail()}")
            : await ProbeAsync("/healthz/ready") == HttpStatusCode.OK,
        $"silo {Name} to be ready", timeout, () => Output.Tail());

    /// <summary>SIGKILL: the process ends at once, no shutdown code runs, its sockets are reset.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

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

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process);
        ChildProcesses.Forget(_process);
        _process.Dispose();
    }
}
