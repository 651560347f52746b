using System.IO;
using System.Buffers.Binary;
using Google.Protobuf;

namespace Nsm.Healing.IntegrationTests.HostileInput.Support;

/// <summary>
/// gRPC's length-prefixed framing (1 byte "compressed" flag, 4 bytes big-endian length, payload), written by hand so a
/// hostile server can put anything in a frame: a valid message, garbage, or more bytes than the client accepts.
/// </summary>
public static class GrpcFrames
{
    public static byte[] Of(IMessage message) => Raw(message.ToByteArray());

    public static byte[] Raw(byte[] payload)
    {
        var frame = new byte[5 + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);
        return frame;
    }

    /// <summary>Bytes that no protobuf parser accepts: a field header whose length runs past the end.</summary>
    public static byte[] Garbage() => Raw([0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01, 0x02]);

    public static async Task<byte[]> ReadPayloadAsync(Stream body, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        await body.ReadExactlyAsync(header, cancellationToken);
        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(1))];
        await body.ReadExactlyAsync(payload, cancellationToken);
        return payload;
    }
}
