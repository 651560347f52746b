using Microsoft.Extensions.DependencyInjection;
using Nsm.Api;
using Nsm.Healing.Connections;
using Orleans.Serialization;

namespace Nsm.Healing.Tests.Storage;

/// <summary>
/// The last good request is held packed, but stored exactly as before: state written when the field was a
/// <see cref="NetworkServiceRequest"/> must read back, and new state must read back unchanged.
/// </summary>
public sealed class PackedRequestStorageTests
{
    private readonly Serializer _serializer = new ServiceCollection().AddSerializer().BuildServiceProvider().GetRequiredService<Serializer>();

    [Fact]
    public void State_stored_with_an_unpacked_request_reads_back_packed_with_the_same_request()
    {
        var request = TestRequests.LastGood();
        request.Connection.Path.PathSegments[0].Token = "token-1";

        var bytes = _serializer.SerializeToArray(new StateBeforePacking { Phase = ConnectionPhase.Up, LastGoodRequest = request });
        var read = _serializer.Deserialize<StateAfterPacking>(bytes)!;

        Assert.Equal(ConnectionPhase.Up, read.Phase);
        Assert.Equal(request, read.PackedLastGoodRequest!.Unpack());
    }

    [Fact]
    public void Connection_state_round_trips_and_every_unpack_is_a_fresh_copy()
    {
        var state = new ConnectionState { Phase = ConnectionPhase.Healing, LastGoodRequest = TestRequests.LastGood() };

        var read = _serializer.Deserialize<ConnectionState>(_serializer.SerializeToArray(state))!;
        read.LastGoodRequest!.Connection.NetworkServiceEndpointName = "changed-on-a-copy";

        Assert.Equal(state.LastGoodRequest, read.LastGoodRequest);
        Assert.NotEqual("changed-on-a-copy", read.Connection!.NetworkServiceEndpointName);
    }
}

// The layout of ConnectionState's first fields before and after the request was packed.
[GenerateSerializer, Alias("nsm.tests.StateBeforePacking")]
public sealed class StateBeforePacking
{
    [Id(0)] public ConnectionPhase Phase { get; set; }
    [Id(3)] public NetworkServiceRequest? LastGoodRequest { get; set; }
}

[GenerateSerializer, Alias("nsm.tests.StateAfterPacking")]
public sealed class StateAfterPacking
{
    [Id(0)] public ConnectionPhase Phase { get; set; }
    [Id(3)] public PackedRequest? PackedLastGoodRequest { get; set; }
}
