using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>
/// A loopback TCP listener that is no gRPC server: it accepts every connection and then either says nothing at all
/// (holding the socket open, as a wedged process would) or answers garbage and hangs up.
/// </summary>
public sealed class RawTcpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentBag<TcpClient> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly bool _answerGarbage;
    private readonly Task _accepting;
    private int _accepted;

    private RawTcpServer(bool answerGarbage)
    {
        _answerGarbage = answerGarbage;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public static RawTcpServer AcceptAndHang() => new(answerGarbage: false);

    public static RawTcpServer AnswerGarbage() => new(answerGarbage: true);

    public string Address => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    public int Accepted => Volatile.Read(ref _accepted);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                Interlocked.Increment(ref _accepted);
                if (_answerGarbage)
                {
                    _ = AnswerGarbageAsync(client);
                }
                else
                {
                    _held.Add(client);
                }
            }
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
    }

    private static async Task AnswerGarbageAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                byte[] garbage = [.. "SSH-2.0-OpenSSH_9.6 this is not gRPC\r\n"u8, 0x00, 0xFF, 0xFE, 0x13, 0x37];
                await client.GetStream().WriteAsync(garbage);
            }
            catch (IOException)
            {
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        foreach (var client in _held)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }
}
