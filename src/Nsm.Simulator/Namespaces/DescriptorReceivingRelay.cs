using System.IO;
using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Win32.SafeHandles;
using Nsm.Netns;

namespace Nsm.Simulator.Namespaces;

/// <summary>
/// An NSMgr's public unix socket. Kestrel reads its sockets with plain recv, which drops ancillary data, so the
/// socket NSCs dial is served here instead: each connection is read with recvmsg, the descriptors it carries go to
/// <see cref="ReceivedDescriptors"/>, and the bytes (TLS and HTTP/2, untouched) are relayed to Kestrel on a private
/// socket. A relay rather than a Kestrel transport of our own: Kestrel stays as tested, at the cost of one copy.
/// </summary>
internal sealed class DescriptorReceivingRelay : IAsyncDisposable
{
    private const int BufferSize = 64 * 1024;

    private readonly Socket _listener;
    private readonly string _kestrelSocket;
    private readonly ReceivedDescriptors _descriptors;
    private readonly ConcurrentDictionary<Socket, Task> _connections = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _accepting;

    private DescriptorReceivingRelay(Socket listener, string kestrelSocket, ReceivedDescriptors descriptors)
    {
        _listener = listener;
        _kestrelSocket = kestrelSocket;
        _descriptors = descriptors;
        _accepting = AcceptAsync();
    }

    public static DescriptorReceivingRelay Start(string publicSocket, string kestrelSocket, ReceivedDescriptors descriptors)
    {
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(publicSocket));
            listener.Listen(512);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new DescriptorReceivingRelay(listener, kestrelSocket, descriptors);
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            var relay = RelayAsync(client);
            // A relay that already ended has removed itself; do not leave its entry behind.
            if (_connections.TryAdd(client, relay) && relay.IsCompleted)
            {
                _connections.TryRemove(client, out _);
            }
        }
    }

    private async Task RelayAsync(Socket client)
    {
        await Task.Yield();
        var kestrel = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await kestrel.ConnectAsync(new UnixDomainSocketEndPoint(_kestrelSocket), _stopping.Token).ConfigureAwait(false);
            // recvmsg blocks (in poll when the socket is non-blocking): its own thread, ended by a shutdown.
            var inbound = Task.Factory.StartNew(() => RelayInbound(client, kestrel), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var outbound = RelayOutboundAsync(kestrel, client);
            await Task.WhenAny(inbound, outbound).ConfigureAwait(false);
            Shut(client);
            Shut(kestrel);
            await Task.WhenAll(inbound, outbound).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The NSC or Kestrel hung up: the other side sees its socket closed, as with a direct connection.
        }
        finally
        {
            Shut(client);
            Shut(kestrel);
            client.Dispose();
            kestrel.Dispose();
            _descriptors.Drop(client);
            _connections.TryRemove(client, out _);
        }
    }

    private void RelayInbound(Socket client, Socket kestrel)
    {
        var buffer = new byte[BufferSize];
        var received = new List<SafeFileHandle>();
        try
        {
            while (true)
            {
                var count = UnixRights.Receive(client, buffer, received);
                foreach (var descriptor in received)
                {
                    _descriptors.Add(client, descriptor);
                }

                received.Clear();
                if (count == 0)
                {
                    return;
                }

                var sent = 0;
                while (sent < count)
                {
                    sent += kestrel.Send(buffer, sent, count - sent, SocketFlags.None);
                }
            }
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // Either side went away; the relay closes both.
        }
    }

    private static async Task RelayOutboundAsync(Socket kestrel, Socket client)
    {
        var buffer = new byte[BufferSize];
        try
        {
            while (true)
            {
                var count = await kestrel.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false);
                if (count == 0)
                {
                    return;
                }

                await client.SendAsync(buffer.AsMemory(0, count), SocketFlags.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Either side went away; the relay closes both.
        }
    }

    /// <summary>A shutdown, unlike a close, wakes a thread blocked reading the socket.</summary>
    private static void Shut(Socket socket)
    {
        try
        {
            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        foreach (var client in _connections.Keys)
        {
            Shut(client);
        }

        await Task.WhenAll(_connections.Values).ConfigureAwait(false);
        _stopping.Dispose();
    }
}
