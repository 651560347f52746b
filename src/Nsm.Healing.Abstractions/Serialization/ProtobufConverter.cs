using Google.Protobuf;
using Orleans.Serialization.Cloning;

namespace Nsm.Healing.Serialization;

/// <summary>
/// Lets Orleans serialize and copy a generated NSM protobuf message through its protobuf bytes,
/// so grain calls and stored state carry exactly the wire form.
/// </summary>
public abstract class ProtobufConverter<T>(MessageParser<T> parser) : IConverter<T, ProtobufSurrogate>, IDeepCopier<T>
    where T : IMessage<T>, IDeepCloneable<T>
{
    /// <summary>Parses the stored or received bytes.</summary>
    public T ConvertFromSurrogate(in ProtobufSurrogate surrogate) => parser.ParseFrom(surrogate.Bytes);

    /// <summary>The message's protobuf bytes.</summary>
    public ProtobufSurrogate ConvertToSurrogate(in T value) => new() { Bytes = value.ToByteArray() };

    /// <summary>A protobuf clone, so a grain never shares a mutable message with its caller.</summary>
    public T? DeepCopy(T? input, CopyContext context) => input is null ? default : input.Clone();
}
