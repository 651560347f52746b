using System.Net;

namespace Nsm.Healing.Cli.Demo.Processes;

/// <summary>One silo of the real host (Nsm.Healing.Silo.dll) as an OS process, configured by environment variables as a container would be.</summary>
public sealed class SiloHost : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(2) };

    private readonly ChildProcess _process;

    private SiloHost(string name, SiloPorts ports, ChildProcess process)
    {
        Name = name;
        Ports = ports;
        _process = process;
    }

    public string Name { get; }

    public SiloPorts Ports { get; }

    public int Pid => _process.Pid;

    public static SiloHost Start(string name, string siloAssembly, SiloPorts ports, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string>(settings)
        {
            ["Nsm__Cluster__SiloPort"] = ports.Silo.ToString(),
            ["Nsm__Cluster__GatewayPort"] = ports.Gateway.ToString(),
            ["Nsm__Cluster__HttpPort"] = ports.Http.ToString(),
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        };
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        return new SiloHost(name, ports, ChildProcess.Start(name, dotnet, [siloAssembly], environment));
    }

    /// <summary>Until the silo is Active in the cluster (its readiness endpoint answers 200).</summary>
    public Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellation) => Wait.UntilAsync(
        async () => _process.HasExited
            ? throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it was ready:{Environment.NewLine}{_process.Tail(60)}")
            : await IsReadyAsync(cancellation),
        $"{Name} to be ready", timeout, cancellation);

    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private async Task<bool> IsReadyAsync(CancellationToken cancellation)
    {
        try
        {
            using var response = await Http.GetAsync($"http://127.0.0.1:{Ports.Http}/healthz/ready", cancellation);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellation.IsCancellationRequested)
        {
            return false;
        }
    }
}

/// <summary>The three ports one silo listens on.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Http)
{
    public static IReadOnlyList<SiloPorts> TakeFree(int silos)
    {
        var ports = FreePorts.Take(silos * 3);
        return [.. Enumerable.Range(0, silos).Select(i => new SiloPorts(ports[3 * i], ports[(3 * i) + 1], ports[(3 * i) + 2]))];
    }
}
