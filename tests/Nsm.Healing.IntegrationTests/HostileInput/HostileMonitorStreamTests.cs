using Google.Protobuf;
using Nsm.Api;
using Nsm.Healing.IntegrationTests.HostileInput.Support;
using Nsm.Healing.IntegrationTests.Support;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// An NSMgr whose monitor stream sends what no NSMgr should: too much, bytes that are no ConnectionEvent, or nothing.
/// The stream counts as broken (control plane down for its connections), is dialled again with backoff, and the log
/// says which NSMgr and why. The silo carries on.
/// </summary>
[Collection(HostileClusterCollection.Name)]
public sealed class HostileMonitorStreamTests(HostileClusterFixture fixture)
{
    // The last column: how many failures in a row the third broken stream counts. A stream that delivered its
    // snapshot was healthy and resets the backoff, so every break after a snapshot is failure 1.
    public static TheoryData<string, string, int> HostileStreams => new()
    {
        { "oversized first message", "larger than Nsm:Nsmgr:MaxReceiveMessageBytes (4194304 bytes)", 3 },
        { "oversized update after the snapshot", "larger than Nsm:Nsmgr:MaxReceiveMessageBytes (4194304 bytes)", 1 },
        { "garbage bytes", "not a valid ConnectionEvent (malformed protobuf", 3 },
        { "invalid UTF-8 in a connection id", "not a valid ConnectionEvent (malformed protobuf", 3 },
        { "no INITIAL_STATE_TRANSFER ever", "no INITIAL_STATE_TRANSFER within 1 s (Nsm:Monitor:InitialStateTimeout)", 3 },
    };

    [Trait("Category", "Slow")]
    [Theory]
    [MemberData(nameof(HostileStreams))]
    public async Task A_hostile_stream_is_broken_and_dialled_again_and_the_connection_restores(string hostility, string cause, int thirdFailureInARow)
    {
        var since = fixture.Logs.Mark();
        await using var nsmgr = await HostileNsmgr.StartAsync();
        var id = NscScenario.NewId("hostile-stream");
        nsmgr.MonitorFrames = FramesFor(hostility, id);
        var grain = fixture.Connection(id);
        var monitor = fixture.Monitor(nsmgr.Address);

        await grain.Request(fixture.RequestFor(id, nsmgr.Address));

        await Eventually.True(() => fixture.Logs.Lines("MonitorStreamBroken", nsmgr.Address, since).Count >= 3,
            $"three broken streams logged for {nsmgr.Address}");
        var broken = fixture.Logs.Lines("MonitorStreamBroken", nsmgr.Address, since);
        Assert.Contains($"failure {thirdFailureInARow} in a row", broken[2]);
        Assert.All(broken, line => Assert.True(line.Contains(cause, StringComparison.Ordinal), line));
        Assert.True(nsmgr.MonitorStreamsOpened >= 3, $"the stream was dialled again ({nsmgr.MonitorStreamsOpened} opened)");
        Assert.True((await monitor.GetStatus()).StreamLosses >= 1);
        Assert.NotEmpty(fixture.Logs.Lines("MonitorStreamLost", nsmgr.Address, since));
        // Control plane down is what the connection heard: it restored through the (still answering) NSMgr.
        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Any(h => h.Trigger == HealTrigger.ControlPlaneLost));
        Assert.All(healed.History, h => Assert.Equal(HealDecision.Restore, h.Decision));

        await grain.Close();
        Assert.Equal(0, (await monitor.GetStatus()).RegisteredConnections);
    }

    [Fact]
    public async Task A_down_event_with_huge_labels_under_the_limit_is_delivered_without_breaking_the_stream()
    {
        var since = fixture.Logs.Mark();
        await using var nsmgr = await HostileNsmgr.StartAsync();
        var id = NscScenario.NewId("huge-labels");
        var down = Known(id, State.Down);
        for (var i = 0; i < 1000; i++)
        {
            down.Labels[$"label-{i}"] = new string('x', 2000);
        }

        nsmgr.MonitorFrames = [Snapshot(Known(id, State.Up)), GrpcFrames.Of(new ConnectionEvent { Type = ConnectionEventType.Update, Connections = { ["k"] = down } })];
        var grain = fixture.Connection(id);
        var monitor = fixture.Monitor(nsmgr.Address);

        await grain.Request(fixture.RequestFor(id, nsmgr.Address));

        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealTrigger.ConnectionDown, healed.History[0].Trigger);
        var status = await monitor.GetStatus();
        Assert.Equal(0, status.StreamLosses);
        Assert.True(status.StreamConnected);
        Assert.Empty(fixture.Logs.Lines("MonitorStreamBroken", nsmgr.Address, since));
        await grain.Close();
    }

    private static IReadOnlyList<byte[]> FramesFor(string hostility, string id) => hostility switch
    {
        "oversized first message" => [Oversized(ConnectionEventType.InitialStateTransfer, id)],
        "oversized update after the snapshot" => [Snapshot(Known(id, State.Up)), Oversized(ConnectionEventType.Update, id)],
        "garbage bytes" => [GrpcFrames.Garbage()],
        "invalid UTF-8 in a connection id" => [GrpcFrames.Raw(WithInvalidUtf8Id(id))],
        "no INITIAL_STATE_TRANSFER ever" => [],
        _ => throw new ArgumentOutOfRangeException(nameof(hostility), hostility, "unknown hostility"),
    };

    /// <summary>The connection as the NSMgr knows it: keyed by its own id, our segment 0 first.</summary>
    private static Connection Known(string id, State state) => new()
    {
        Id = $"nsmgr-{id}",
        State = state,
        NetworkServiceEndpointName = "hostile-nse",
        Path = new Api.Path { Index = 1, PathSegments = { new PathSegment { Name = "nsc-under-test", Id = id }, new PathSegment { Name = "hostile-nsmgr", Id = $"nsmgr-{id}" } } },
    };

    private static byte[] Snapshot(Connection connection) =>
        GrpcFrames.Of(new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer, Connections = { [connection.Id] = connection } });

    /// <summary>A real ConnectionEvent, one byte per label over the 4 MiB limit and then some.</summary>
    private static byte[] Oversized(ConnectionEventType type, string id)
    {
        var connection = Known(id, State.Up);
        connection.Labels["padding"] = new string('p', HostileClusterFixture.MaxReceiveMessageBytes);
        return GrpcFrames.Of(new ConnectionEvent { Type = type, Connections = { [connection.Id] = connection } });
    }

    /// <summary>A snapshot whose connection id carries bytes that are not UTF-8, which protobuf refuses to parse.</summary>
    private static byte[] WithInvalidUtf8Id(string id)
    {
        var connection = Known(id, State.Up);
        connection.Id = "@@@@";
        var bytes = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer, Connections = { ["k"] = connection } }.ToByteArray();
        var at = bytes.AsSpan().IndexOf("@@@@"u8);
        new byte[] { 0xC3, 0x28, 0xFF, 0xFE }.CopyTo(bytes, at);
        return bytes;
    }
}
