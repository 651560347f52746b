using Nsm.Api;

namespace Nsm.Healing.Serialization;

// The NSM messages that cross grain calls or live in grain state. One line each; the work is in ProtobufConverter<T>.

[RegisterConverter, RegisterCopier]
public sealed class ConnectionConverter() : ProtobufConverter<Connection>(Connection.Parser);

[RegisterConverter, RegisterCopier]
public sealed class NetworkServiceRequestConverter() : ProtobufConverter<NetworkServiceRequest>(NetworkServiceRequest.Parser);

[RegisterConverter, RegisterCopier]
public sealed class MechanismConverter() : ProtobufConverter<Mechanism>(Mechanism.Parser);
