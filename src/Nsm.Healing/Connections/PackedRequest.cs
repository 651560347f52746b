using Google.Protobuf;
using Nsm.Api;
using Nsm.Healing.Serialization;

namespace Nsm.Healing.Connections;

/// <summary>
/// A request kept as its protobuf bytes. An idle connection spends its life holding its last good request, and the
/// parsed message graph (strings as UTF-16, a map, repeated fields, timestamps, one object per path segment) takes about
/// five times the bytes of its wire form: ~2.6 KB against ~0.5 KB for a four-hop path. Parsing it back costs a
/// microsecond or two, paid only when the connection acts (a heal, a refresh, an event about it, a read of its state).
/// Immutable: every change packs a new one.
/// </summary>
public sealed class PackedRequest
{
    private readonly byte[] _bytes;

    private PackedRequest(byte[] bytes) => _bytes = bytes;

    public static PackedRequest Pack(NetworkServiceRequest request) => new(request.ToByteArray());

    /// <summary>A fresh, mutable copy of the request.</summary>
    public NetworkServiceRequest Unpack() => NetworkServiceRequest.Parser.ParseFrom(_bytes);

    internal static PackedRequest FromWire(byte[] bytes) => new(bytes);

    internal byte[] ToWire() => _bytes;
}

/// <summary>
/// Stores a <see cref="PackedRequest"/> exactly as <see cref="NetworkServiceRequestConverter"/> stores a request:
/// the same surrogate around the same bytes, so state written before requests were packed reads back unchanged.
/// </summary>
[RegisterConverter, RegisterCopier]
public sealed class PackedRequestConverter : IConverter<PackedRequest, ProtobufSurrogate>, Orleans.Serialization.Cloning.IDeepCopier<PackedRequest>
{
    public PackedRequest ConvertFromSurrogate(in ProtobufSurrogate surrogate) => PackedRequest.FromWire(surrogate.Bytes);

    public ProtobufSurrogate ConvertToSurrogate(in PackedRequest value) => new() { Bytes = value.ToWire() };

    // Immutable: a copy may share the bytes.
    public PackedRequest? DeepCopy(PackedRequest? input, Orleans.Serialization.Cloning.CopyContext context) => input;
}
