using Google.Protobuf;
using Grpc.Core;

namespace Nsm.Healing.Nsmgr;

/// <summary>
/// Says in plain words why a call to an NSMgr failed. gRPC reports an oversized or undecodable message with a generic
/// status; an operator needs to read "the NSMgr sent a message over the limit" or "not a valid Connection".
/// </summary>
public static class NsmgrCallFailure
{
    /// <param name="expectedMessage">The protobuf message the NSMgr should have sent (Connection, ConnectionEvent, …).</param>
    /// <returns>
    /// The status to report and the cause. An undecodable answer is <see cref="StatusCode.Internal"/>, as the gRPC spec
    /// says for a response that fails to parse (Grpc.Net.Client says Unavailable): the NSMgr did answer, and may hold
    /// the connection, so a Close is owed and the answer is not mistaken for an outage.
    /// </returns>
    public static (StatusCode Status, string Cause) Describe(RpcException error, string expectedMessage, int maxReceiveMessageBytes)
    {
        var detail = error.Status.Detail;
        if (error.StatusCode == StatusCode.ResourceExhausted && detail.Contains("exceeds the maximum", StringComparison.OrdinalIgnoreCase))
        {
            return (error.StatusCode, $"{error.StatusCode}: the NSMgr sent a message larger than {NsmgrClientOptions.Section}:{nameof(NsmgrClientOptions.MaxReceiveMessageBytes)} ({maxReceiveMessageBytes} bytes)");
        }

        if (ParseErrorIn(error.Status.DebugException) is { } parseError)
        {
            return (StatusCode.Internal, $"{StatusCode.Internal}: the NSMgr sent bytes that are not a valid {expectedMessage} (malformed protobuf: {parseError.Message})");
        }

        if (detail.Contains("deserialize", StringComparison.OrdinalIgnoreCase))
        {
            return (StatusCode.Internal, $"{StatusCode.Internal}: the NSMgr sent bytes that are not a valid {expectedMessage} (malformed protobuf)");
        }

        return (error.StatusCode, $"{error.StatusCode}: {detail}");
    }

    // Unary calls and streams wrap the parser's complaint differently; its type is what they share.
    private static InvalidProtocolBufferException? ParseErrorIn(Exception? error) =>
        error is null ? null : error as InvalidProtocolBufferException ?? ParseErrorIn(error.InnerException);
}
