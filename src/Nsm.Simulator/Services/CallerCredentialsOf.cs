using Grpc.Core;
using Nsm.Identity;
using Nsm.Simulator.Identity;

namespace Nsm.Simulator.Services;

/// <summary>Reads what a gRPC call presents for authorization: the mTLS client certificate and the NSM token metadata.</summary>
internal static class CallerCredentialsOf
{
    public static CallerCredentials Call(ServerCallContext context) => new(
        context.GetHttpContext().Connection.ClientCertificate,
        context.RequestHeaders.GetValue(NsmTokens.TokenHeader),
        context.RequestHeaders.GetValue(NsmTokens.ExpiresHeader));
}
