using System.Buffers;
using System.Buffers.Binary;

namespace Nsm.Simulator.Keepalive;

/// <summary>The 9-byte header of one HTTP/2 frame (RFC 9113 §4.1): all the keepalive policing needs to see.</summary>
internal readonly record struct Http2Frame(int Length, byte Type, byte Flags, int StreamId)
{
    public const int HeaderSize = 9;
    public const byte Data = 0x0;
    public const byte Headers = 0x1;
    public const byte RstStream = 0x3;
    public const byte Ping = 0x6;
    public const byte GoAway = 0x7;
    public const byte EndStreamFlag = 0x1;
    public const byte AckFlag = 0x1;
    public const uint EnhanceYourCalm = 0xb;

    /// <summary>The client connection preface (RFC 9113 §3.4), which precedes the client's first frame.</summary>
    public static ReadOnlySpan<byte> ClientPreface => "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8;

    public int TotalSize => HeaderSize + Length;

    public bool EndsStream => Type is Data or Headers && (Flags & EndStreamFlag) != 0;

    public bool IsPingRequest => Type == Ping && (Flags & AckFlag) == 0;

    /// <summary>Reads the header at the start of <paramref name="buffer"/>, when the whole frame is there.</summary>
    public static bool TryReadComplete(ReadOnlySequence<byte> buffer, out Http2Frame frame)
    {
        frame = default;
        if (buffer.Length < HeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        frame = new Http2Frame(
            header[0] << 16 | header[1] << 8 | header[2],
            header[3],
            header[4],
            (int)(BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7fff_ffff));
        return buffer.Length >= frame.TotalSize;
    }

    /// <summary>GOAWAY (RFC 9113 §6.8) as grpc-go sends it to a client that pings too often.</summary>
    public static byte[] GoAwayTooManyPings(int lastStreamId)
    {
        var debug = "too_many_pings"u8;
        var frame = new byte[HeaderSize + 8 + debug.Length];
        var length = 8 + debug.Length;
        frame[0] = (byte)(length >> 16);
        frame[1] = (byte)(length >> 8);
        frame[2] = (byte)length;
        frame[3] = GoAway;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderSize), (uint)lastStreamId);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(HeaderSize + 4), EnhanceYourCalm);
        debug.CopyTo(frame.AsSpan(HeaderSize + 8));
        return frame;
    }
}
