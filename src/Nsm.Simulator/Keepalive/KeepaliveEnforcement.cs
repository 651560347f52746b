using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Nsm.Simulator.Logging;

namespace Nsm.Simulator.Keepalive;

/// <summary>
/// Kestrel never shows PING frames to the application, so this connection middleware (placed after TLS) watches the
/// plaintext HTTP/2 frames both ways: it counts the client's PINGs against <see cref="KeepalivePolicy"/>, forgives
/// them when the server sends HEADERS or DATA, and on a violation does what grpc-go does: GOAWAY ENHANCE_YOUR_CALM
/// "too_many_pings" at a frame boundary, then closes the connection. Frames pass through whole and unchanged.
/// </summary>
/// <param name="time">Wall-clock in production, like grpc-go's: client PINGs come on real time whatever the simulation's clock.</param>
/// <param name="record">Counts PINGs and GOAWAYs, so tests can wait on them and assert a client never earned one.</param>
internal sealed class KeepaliveEnforcement(KeepalivePolicy policy, TimeProvider time, string nsmgr, KeepaliveRecord record, ILogger logger)
{
    public async Task OnConnectionAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var transport = connection.Transport;
        var toServer = new Pipe();
        var fromServer = new Pipe();
        var watch = new ConnectionWatch(new PingStrikes(policy), record);
        connection.Transport = new Duplex(toServer.Reader, fromServer.Writer);
        var inbound = Task.Run(() => PumpClientFrames(transport.Input, toServer.Writer, watch, fromServer.Reader));
        var outbound = Task.Run(() => PumpServerFrames(fromServer.Reader, transport.Output, watch));
        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            // Kestrel is done with the connection: release both pumps, whatever state it left its ends in.
            await fromServer.Writer.CompleteAsync().ConfigureAwait(false);
            await toServer.Reader.CompleteAsync().ConfigureAwait(false);
            transport.Input.CancelPendingRead();
            await Task.WhenAll(inbound, outbound).ConfigureAwait(false);
            connection.Transport = transport;
        }
    }

    private async Task PumpClientFrames(PipeReader client, PipeWriter server, ConnectionWatch watch, PipeReader serverFrames)
    {
        var prefaceSeen = false;
        try
        {
            while (true)
            {
                var read = await client.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var consumed = buffer.Start;
                if (!prefaceSeen && buffer.Length >= Http2Frame.ClientPreface.Length)
                {
                    prefaceSeen = true;
                    consumed = buffer.GetPosition(Http2Frame.ClientPreface.Length);
                }

                var violated = false;
                while (prefaceSeen && !violated && Http2Frame.TryReadComplete(buffer.Slice(consumed), out var frame))
                {
                    violated = watch.OnClientFrame(frame, time.GetUtcNow());
                    consumed = buffer.GetPosition(frame.TotalSize, consumed);
                }

                foreach (var segment in buffer.Slice(buffer.Start, consumed))
                {
                    await server.WriteAsync(segment).ConfigureAwait(false);
                }

                client.AdvanceTo(consumed, buffer.End);
                if (violated)
                {
                    SimulatorLog.TooManyPings(logger, nsmgr, watch.Strikes);
                    record.GoAwaySent();
                    watch.GoAwayDue = true;
                    // Wakes the outbound pump, which sends GOAWAY between two whole frames.
                    serverFrames.CancelPendingRead();
                    return;
                }

                if (read.IsCompleted || read.IsCanceled)
                {
                    return;
                }
            }
        }
        finally
        {
            await server.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task PumpServerFrames(PipeReader server, PipeWriter client, ConnectionWatch watch)
    {
        try
        {
            while (true)
            {
                var read = await server.ReadAsync().ConfigureAwait(false);
                var buffer = read.Buffer;
                var consumed = buffer.Start;
                while (!watch.GoAwayDue && Http2Frame.TryReadComplete(buffer.Slice(consumed), out var frame))
                {
                    watch.OnServerFrame(frame);
                    consumed = buffer.GetPosition(frame.TotalSize, consumed);
                }

                foreach (var segment in buffer.Slice(buffer.Start, consumed))
                {
                    await client.WriteAsync(segment).ConfigureAwait(false);
                }

                server.AdvanceTo(consumed, buffer.End);
                if (watch.GoAwayDue)
                {
                    await client.WriteAsync(Http2Frame.GoAwayTooManyPings(watch.LastClientStreamId)).ConfigureAwait(false);
                    return;
                }

                if (read.IsCompleted)
                {
                    return;
                }
            }
        }
        finally
        {
            // Either way the connection ends here, as grpc-go closes it after its GOAWAY.
            await server.CompleteAsync().ConfigureAwait(false);
            await client.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>What both directions share: the strikes, the open streams, and whether GOAWAY is due.</summary>
    private sealed class ConnectionWatch(PingStrikes strikes, KeepaliveRecord record)
    {
        private readonly Lock _lock = new();
        private readonly HashSet<int> _openStreams = [];
        private volatile bool _goAwayDue;

        public int LastClientStreamId { get; private set; }

        public int Strikes => strikes.Strikes;

        public bool GoAwayDue
        {
            get => _goAwayDue;
            set => _goAwayDue = value;
        }

        public bool OnClientFrame(Http2Frame frame, DateTimeOffset now)
        {
            lock (_lock)
            {
                switch (frame.Type)
                {
                    case Http2Frame.Headers when frame.StreamId > LastClientStreamId:
                        LastClientStreamId = frame.StreamId;
                        _openStreams.Add(frame.StreamId);
                        break;
                    case Http2Frame.RstStream:
                        _openStreams.Remove(frame.StreamId);
                        break;
                    case Http2Frame.Ping when frame.IsPingRequest:
                        record.PingReceived();
                        return strikes.OnClientPing(now, _openStreams.Count > 0);
                }

                return false;
            }
        }

        public void OnServerFrame(Http2Frame frame)
        {
            if (frame.Type is Http2Frame.Headers or Http2Frame.Data)
            {
                strikes.OnServerHeadersOrData();
            }

            if (frame.EndsStream || frame.Type == Http2Frame.RstStream)
            {
                lock (_lock)
                {
                    // grpc-go forgets a stream once it has sent its status, whatever the client still does.
                    _openStreams.Remove(frame.StreamId);
                }
            }
        }
    }

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
