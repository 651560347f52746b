using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// A real redis-server child process of our own: a free loopback port, its own temporary data directory,
/// append-only persistence as in production. Disposing kills it and deletes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly ChildProcess _process;
    private readonly DirectoryInfo _dataDirectory;

    private RedisServer(ChildProcess process, DirectoryInfo dataDirectory, int port, RedisTls? tls)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
        Tls = tls;
    }

    public int Port { get; }

    /// <summary>Set when the server speaks TLS only, with a certificate from its own private CA.</summary>
    public RedisTls? Tls { get; }

    public string ConnectionString => Tls is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},ssl=true";

    public ProcessOutput Output => _process.Output;

    /// <summary>redis-server on PATH, or null.</summary>
    public static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>The redis-server on PATH; fails with how to install it when there is none.</summary>
    public static Task<RedisServer> StartAsync(bool tls = false, CancellationToken cancellation = default) => StartAsync(
        FindServer() ?? throw new InvalidOperationException(
            "redis-server is not installed; the durability tests need it: apt-get install -y redis-server (see README, Durable cluster)"),
        tls, outputLines: null, cancellation);

    /// <param name="executable">The redis-server to run.</param>
    /// <param name="tls">TLS only (no plain port), with a certificate issued by a private CA made for this server.</param>
    /// <param name="outputLines">How many of the last output lines to keep; all when null.</param>
    public static async Task<RedisServer> StartAsync(string executable, bool tls = false, int? outputLines = null, CancellationToken cancellation = default)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nsm-redis-");
        var port = FreePorts.Take(1)[0];
        var certificates = tls ? RedisTls.CreateIn(dataDirectory) : null;
        string[] listen = certificates is null
            ? ["--port", port.ToString()]
            : ["--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", certificates.Certificate, "--tls-key-file", certificates.Key,
               "--tls-ca-cert-file", certificates.CaCertificate, "--tls-auth-clients", "no"];
        var process = ChildProcess.Start(executable,
            [
                "--bind", "127.0.0.1", "--dir", dataDirectory.FullName,
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
                .. listen,
            ],
            new Dictionary<string, string>(), outputLines);
        var server = new RedisServer(process, dataDirectory, port, certificates);
        try
        {
            await Poll.UntilAsync(
                async () => process.HasExited
                    ? throw new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{process.Output.Tail()}")
                    : await server.AnswersPingAsync(),
                $"redis-server on port {port} to answer PING", StartTimeout, () => process.Output.Tail(), cancellation);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            Stream stream = client.GetStream();
            if (Tls is not null)
            {
                // Only asks whether the server answers; the silo under test does the real certificate validation.
                var tls = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
                await tls.AuthenticateAsClientAsync("127.0.0.1");
                stream = tls;
            }

            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or AuthenticationException)
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
