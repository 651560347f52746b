using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Nsm.Healing.LocalProcesses;

/// <summary>
/// A real redis-server child process of our own: a free loopback port, its own temporary data directory,
/// append-only persistence as in production. It can be killed and started again on the same port and data
/// directory (<see cref="RestartAsync"/>). Disposing kills it and deletes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly DirectoryInfo _dataDirectory;
    private readonly string _executable;
    private readonly IReadOnlyList<string> _arguments;
    private readonly int? _outputLines;
    private ChildProcess _process;

    private RedisServer(ChildProcess process, DirectoryInfo dataDirectory, int port, RedisTls? tls, string executable, IReadOnlyList<string> arguments, int? outputLines)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
        Tls = tls;
        _executable = executable;
        _arguments = arguments;
        _outputLines = outputLines;
    }

    public int Port { get; }

    /// <summary>Set when the server speaks TLS only, with a certificate from its own private CA.</summary>
    public RedisTls? Tls { get; }

    public string ConnectionString => Tls is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},ssl=true";

    /// <summary>The output of the running process (since its last restart).</summary>
    public ProcessOutput Output => _process.Output;

    /// <summary>redis-server on PATH, or null.</summary>
    public static string? FindServer() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);

    /// <summary>The redis-server on PATH; fails with how to install it when there is none.</summary>
    public static Task<RedisServer> StartAsync(bool tls = false, bool fsyncEveryWrite = false, CancellationToken cancellation = default) => StartAsync(
        FindServer() ?? throw new InvalidOperationException(
            "redis-server is not installed; the durability tests need it: apt-get install -y redis-server (see README, Durable cluster)"),
        tls, outputLines: null, fsyncEveryWrite, cancellation);

    /// <param name="executable">The redis-server to run.</param>
    /// <param name="tls">TLS only (no plain port), with a certificate issued by a private CA made for this server.</param>
    /// <param name="outputLines">How many of the last output lines to keep; all when null.</param>
    /// <param name="fsyncEveryWrite">
    /// <c>appendfsync always</c>: every write is on disk before Redis answers, so nothing acknowledged is lost even when
    /// the process is killed while a once-a-second fsync lags. Otherwise <c>everysec</c>, as deploy/ configures it.
    /// </param>
    public static async Task<RedisServer> StartAsync(
        string executable, bool tls = false, int? outputLines = null, bool fsyncEveryWrite = false, CancellationToken cancellation = default)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("nsm-redis-");
        var port = FreePorts.Take(1)[0];
        var certificates = tls ? RedisTls.CreateIn(dataDirectory) : null;
        string[] listen = certificates is null
            ? ["--port", port.ToString()]
            : ["--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", certificates.Certificate, "--tls-key-file", certificates.Key,
               "--tls-ca-cert-file", certificates.CaCertificate, "--tls-auth-clients", "no"];
        string[] arguments =
        [
            "--bind", "127.0.0.1", "--dir", dataDirectory.FullName,
            "--appendonly", "yes", "--appendfsync", fsyncEveryWrite ? "always" : "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
            .. listen,
        ];
        var process = ChildProcess.Start(executable, arguments, new Dictionary<string, string>(), outputLines);
        var server = new RedisServer(process, dataDirectory, port, certificates, executable, arguments, outputLines);
        try
        {
            await server.WaitUntilAnsweringAsync(cancellation);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// SIGKILL, as when the Redis pod dies, then after <paramref name="downtime"/> the same server again: same port, same
    /// data directory, so it reloads its append-only file. Returns once it answers PING.
    /// </summary>
    public async Task RestartAsync(TimeSpan downtime, CancellationToken cancellation = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(downtime, TimeSpan.Zero);
        await _process.DisposeAsync();
        await Task.Delay(downtime, cancellation);
        _process = ChildProcess.Start(_executable, _arguments, new Dictionary<string, string>(), _outputLines);
        await WaitUntilAnsweringAsync(cancellation);
    }

    private Task WaitUntilAnsweringAsync(CancellationToken cancellation)
    {
        var process = _process;
        return Poll.UntilAsync(
            async () => process.HasExited
                ? throw new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{process.Output.Tail()}")
                : await AnswersPingAsync(),
            $"redis-server on port {Port} to answer PING", StartTimeout, () => process.Output.Tail(), cancellation);
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
