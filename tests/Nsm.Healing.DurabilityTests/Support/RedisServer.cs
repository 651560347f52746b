using System.Diagnostics;
using System.IO;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Nsm.Healing.DurabilityTests.Support;

/// <summary>
/// A real redis-server child process for one test: a free loopback port, its own temporary data directory,
/// append-only persistence as in production. Disposing kills it and deletes the directory.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly DirectoryInfo _dataDirectory;

    private RedisServer(Process process, DirectoryInfo dataDirectory, int port, RedisTls? tls, ProcessOutput output)
    {
        _process = process;
        _dataDirectory = dataDirectory;
        Port = port;
        Tls = tls;
        Output = output;
    }

    public int Port { get; }

    /// <summary>Set when the server speaks TLS only, with a certificate from its own private CA.</summary>
    public RedisTls? Tls { get; }

    public string ConnectionString => Tls is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},ssl=true";

    public ProcessOutput Output { get; }

    /// <param name="tls">TLS only (no plain port), with a certificate issued by a private CA made for this server.</param>
    public static async Task<RedisServer> StartAsync(bool tls = false)
    {
        var executable = FindOnPath("redis-server") ?? throw new InvalidOperationException(
            "redis-server is not installed; the durability tests need it: apt-get install -y redis-server (see README, Durable cluster)");
        var dataDirectory = Directory.CreateTempSubdirectory("nsm-redis-");
        var port = FreePorts.Take(1)[0];
        var certificates = tls ? RedisTls.CreateIn(dataDirectory) : null;
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList =
            {
                "--bind", "127.0.0.1", "--dir", dataDirectory.FullName,
                "--appendonly", "yes", "--appendfsync", "everysec", "--save", "", "--daemonize", "no", "--logfile", "",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] listen = certificates is null
            ? ["--port", port.ToString()]
            : ["--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", certificates.Certificate, "--tls-key-file", certificates.Key,
               "--tls-ca-cert-file", certificates.CaCertificate, "--tls-auth-clients", "no"];
        foreach (var argument in listen)
        {
            start.ArgumentList.Add(argument);
        }

        var process = ChildProcesses.Start(start);
        var output = new ProcessOutput();
        output.Attach(process);
        var server = new RedisServer(process, dataDirectory, port, certificates, output);
        try
        {
            await Eventually.True(
                async () => process.HasExited ? throw new InvalidOperationException($"redis-server exited with {process.ExitCode}:\n{output.Tail()}") : await server.AnswersPingAsync(),
                $"redis-server on port {port} to answer PING", StartTimeout, () => output.Tail());
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

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);

    public async ValueTask DisposeAsync()
    {
        await ChildProcesses.KillAsync(_process);
        ChildProcesses.Forget(_process);
        _process.Dispose();
        _dataDirectory.Delete(recursive: true);
    }
}
