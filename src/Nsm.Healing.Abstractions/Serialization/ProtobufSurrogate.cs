namespace Nsm.Healing.Serialization;

/// <summary>
/// An NSM protobuf message as Orleans stores and sends it: its protobuf bytes. Grain state keeps
/// the wire form, so stored connections survive C# renames and read back exactly as the NSMgr sent them.
/// </summary>
[GenerateSerializer, Immutable, Alias("nsm.ProtobufSurrogate")]
public readonly struct ProtobufSurrogate
{
    /// <summary>The message in protobuf wire form.</summary>
    [Id(0)] public byte[] Bytes { get; init; }
}
