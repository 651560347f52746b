using System.IO;
using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Nsm.Netns;

/// <summary>
/// The byte stream of one connection to a unix socket, below any TLS: a descriptor queued with <see cref="Enqueue"/>
/// goes out as SCM_RIGHTS on a one-byte sendmsg ahead of the next write, the rest of that write as a plain send.
/// To the layers above (TLS, HTTP/2) it is an ordinary stream, so the byte that carries a descriptor is just one byte
/// of their stream. Writes are serialised by those layers, so the queue is drained by one writer at a time.
/// </summary>
public sealed class DescriptorPassingStream(Socket socket, Action<DescriptorPassingStream>? onDispose = null) : Stream
{
    private readonly NetworkStream _inner = new(socket, ownsSocket: true);
    private readonly ConcurrentQueue<SafeHandle> _pending = new();
    private int _disposed;

    /// <summary>
    /// Sends <paramref name="descriptor"/> with the next byte written. The descriptor is kept open (a reference is
    /// added) until it is sent or the stream is disposed.
    /// </summary>
    public void Enqueue(SafeHandle descriptor)
    {
        var added = false;
        descriptor.DangerousAddRef(ref added);
        _pending.Enqueue(descriptor);
        if (Volatile.Read(ref _disposed) == 1)
        {
            ReleasePending();
        }
    }

    /// <inheritdoc/>
    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var rest = SendPending(buffer.Span);
        if (rest > 0)
        {
            await _inner.WriteAsync(buffer[^rest..], cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc/>
    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var rest = SendPending(buffer);
        if (rest > 0)
        {
            _inner.Write(buffer[^rest..]);
        }
    }

    /// <inheritdoc/>
    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    /// <inheritdoc/>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _inner.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc/>
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc/>
    public override int Read(Span<byte> buffer) => _inner.Read(buffer);

    /// <inheritdoc/>
    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    /// <inheritdoc/>
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc/>
    public override void Flush() => _inner.Flush();

    /// <inheritdoc/>
    public override bool CanRead => true;

    /// <inheritdoc/>
    public override bool CanWrite => true;

    /// <inheritdoc/>
    public override bool CanSeek => false;

    /// <inheritdoc/>
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc/>
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc/>
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc/>
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _inner.Dispose();
            ReleasePending();
            onDispose?.Invoke(this);
        }

        base.Dispose(disposing);
    }

    /// <summary>One byte per pending descriptor, as long as the buffer has bytes; returns how many bytes are left to write.</summary>
    private int SendPending(ReadOnlySpan<byte> buffer)
    {
        var next = 0;
        while (next < buffer.Length && _pending.TryDequeue(out var descriptor))
        {
            try
            {
                UnixRights.Send(socket, buffer[next], descriptor);
            }
            finally
            {
                descriptor.DangerousRelease();
            }

            next++;
        }

        return buffer.Length - next;
    }

    private void ReleasePending()
    {
        while (_pending.TryDequeue(out var descriptor))
        {
            descriptor.DangerousRelease();
        }
    }
}
