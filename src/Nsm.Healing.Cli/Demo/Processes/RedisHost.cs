using System.IO;
using System.Net.Sockets;
using System.Text;

namespace Nsm.Healing.Cli.Demo.Processes;

/// <summary>A redis-server of the demo's own: a free loopback port, a temporary data directory, append-only as in production.</summary>
public sealed class RedisHost : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _dataDirectory;

    private RedisHost(ChildProcess process, DirectoryInfo dataDirectory, int port)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>redis-server on PATH, or null.</summary>
    public static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);

    public static async Task<RedisHost> StartAsync(string executable, CancellationToken cancellation)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nsm-heal-demo-redis-");
        var port = FreePorts.Take(1)[0];
        var process = ChildProcess.Start("redis-server", executable,
            ["--port", port.ToString(), "--bind", "127.0.0.1", "--dir", dataDirectory.FullName, "--appendonly", "yes", "--save", "", "--daemonize", "no"],
            new Dictionary<string, string>());
        var redis = new RedisHost(process, dataDirectory, port);
        try
        {
            await Wait.UntilAsync(async () => process.HasExited
                    ? throw new InvalidOperationException($"redis-server exited with {process.ExitCode}: {process.Tail()}")
                    : await redis.AnswersPingAsync(),
                $"redis-server on port {port} to answer", StartTimeout, cancellation);
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        _dataDirectory.Delete(recursive: true);
    }
}
