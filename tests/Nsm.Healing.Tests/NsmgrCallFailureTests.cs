using Google.Protobuf;
using Grpc.Core;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Tests;

/// <summary>Failed NSMgr calls are described by their cause, the way gRPC's client reports them.</summary>
public sealed class NsmgrCallFailureTests
{
    [Fact]
    public void A_message_over_the_limit_names_the_option_and_its_value()
    {
        var error = new RpcException(new Status(StatusCode.ResourceExhausted, "Received message exceeds the maximum configured message size."));

        var (status, cause) = NsmgrCallFailure.Describe(error, "Connection", 4 * 1024 * 1024);

        Assert.Equal(StatusCode.ResourceExhausted, status);
        Assert.Equal("ResourceExhausted: the NSMgr sent a message larger than Nsm:Nsmgr:MaxReceiveMessageBytes (4194304 bytes)", cause);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable, "Error reading next message.")]
    [InlineData(StatusCode.Internal, "Failed to deserialize response message.")]
    public void Undecodable_bytes_are_internal_and_say_which_message_they_should_have_been(StatusCode reported, string detail)
    {
        // A connection id whose bytes are not UTF-8: the parser's own complaint, as gRPC wraps it.
        var parseError = Assert.Throws<InvalidProtocolBufferException>(() => Nsm.Api.Connection.Parser.ParseFrom([0x0A, 0x02, 0xC3, 0x28]));
        var error = new RpcException(new Status(reported, detail, new InvalidOperationException("wrapped", parseError)));

        var (status, cause) = NsmgrCallFailure.Describe(error, "ConnectionEvent", 1);

        Assert.Equal(StatusCode.Internal, status);
        Assert.Equal("Internal: the NSMgr sent bytes that are not a valid ConnectionEvent (malformed protobuf: String is invalid UTF-8.)", cause);
    }

    [Fact]
    public void Anything_else_keeps_its_status_and_detail()
    {
        var error = new RpcException(new Status(StatusCode.NotFound, "endpoint 'nse-1' is not registered"));

        Assert.Equal((StatusCode.NotFound, "NotFound: endpoint 'nse-1' is not registered"), NsmgrCallFailure.Describe(error, "Connection", 1));
    }
}
