using Nsm.Api;

namespace Nsm.Healing.Serialization;

// The NSM messages that cross grain calls or live in grain state. One line each; the work is in ProtobufConverter<T>.

/// <summary>Orleans serialization of <see cref="Connection"/>.</summary>
[RegisterConverter, RegisterCopier]
public sealed class ConnectionConverter() : ProtobufConverter<Connection>(Connection.Parser);

/// <summary>Orleans serialization of <see cref="NetworkServiceRequest"/>.</summary>
[RegisterConverter, RegisterCopier]
public sealed class NetworkServiceRequestConverter() : ProtobufConverter<NetworkServiceRequest>(NetworkServiceRequest.Parser);

/// <summary>Orleans serialization of <see cref="Mechanism"/>.</summary>
[RegisterConverter, RegisterCopier]
public sealed class MechanismConverter() : ProtobufConverter<Mechanism>(Mechanism.Parser);
