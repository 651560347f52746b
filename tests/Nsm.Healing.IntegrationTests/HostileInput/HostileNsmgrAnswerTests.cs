using Nsm.Api;
using Nsm.Healing.IntegrationTests.HostileInput.Support;
using Nsm.Healing.IntegrationTests.Support;

namespace Nsm.Healing.IntegrationTests.HostileInput;

/// <summary>
/// An NSMgr that answers Request with bytes that are no Connection, or with more than the receive limit: the call fails
/// with an error naming the NSMgr and the cause, nothing half-done stays behind, and a heal keeps retrying.
/// </summary>
[Collection(HostileClusterCollection.Name)]
public sealed class HostileNsmgrAnswerTests(HostileClusterFixture fixture)
{
    public static TheoryData<string, string, string> HostileAnswers => new()
    {
        { "garbage", "Internal", "not a valid Connection (malformed protobuf" },
        { "oversized", "ResourceExhausted", "larger than Nsm:Nsmgr:MaxReceiveMessageBytes (4194304 bytes)" },
    };

    [Theory]
    [MemberData(nameof(HostileAnswers))]
    public async Task A_malformed_answer_fails_the_first_request_clearly_and_leaves_nothing_behind(string answer, string status, string cause)
    {
        await using var nsmgr = await HostileNsmgr.StartAsync();
        nsmgr.AnswerRequest = _ => Answer(answer);
        var id = NscScenario.NewId("malformed-answer");
        var grain = fixture.Connection(id);

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => grain.Request(fixture.RequestFor(id, nsmgr.Address)));

        Assert.True(error.StatusCode == status && error.Message.Contains(cause, StringComparison.Ordinal), $"{error.StatusCode}: {error.Message}");
        Assert.Contains(nsmgr.Address, error.Message);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
        Assert.Equal(0, (await fixture.Monitor(nsmgr.Address).GetStatus()).RegisteredConnections);
        Assert.Equal(0, nsmgr.MonitorStreamsOpened);
    }

    [Theory]
    [MemberData(nameof(HostileAnswers))]
    public async Task Malformed_answers_fail_heal_attempts_clearly_and_the_heal_retries_until_the_nsmgr_behaves(string answer, string status, string cause)
    {
        await using var nsmgr = await HostileNsmgr.StartAsync();
        var id = NscScenario.NewId("malformed-heal");
        var grain = fixture.Connection(id);
        await grain.Request(fixture.RequestFor(id, nsmgr.Address));
        nsmgr.AnswerRequest = _ => Answer(answer);

        await grain.HealNow();

        var failing = await Eventually.Phase(grain, ConnectionPhase.Healing, s => s.CurrentHeal is { Attempts: >= 3 });
        Assert.True(failing.CurrentHeal!.Detail!.Contains(cause, StringComparison.Ordinal), failing.CurrentHeal.Detail);
        Assert.Contains(status, failing.CurrentHeal.Detail);
        Assert.Contains(nsmgr.Address, failing.CurrentHeal.Detail);
        nsmgr.AnswerRequest = request => GrpcFrames.Of(HostileNsmgr.Echo(request));
        var healed = await Eventually.Phase(grain, ConnectionPhase.Up, s => s.History.Count == 1);
        Assert.Equal(HealOutcome.Healed, healed.History[0].Outcome);
        await grain.Close();
    }

    [Fact]
    public async Task A_first_request_failing_resource_exhausted_is_closed_as_possibly_taken_effect()
    {
        // What a GOAWAY ENHANCE_YOUR_CALM and an answer over the receive limit both look like: the NSMgr may hold it.
        await using var nsmgr = await HostileNsmgr.StartAsync();
        nsmgr.AnswerRequest = _ => Answer("oversized");
        var id = NscScenario.NewId("exhausted-first-request");
        var grain = fixture.Connection(id);

        var error = await Assert.ThrowsAsync<NsmRequestFailedException>(() => grain.Request(fixture.RequestFor(id, nsmgr.Address)));

        Assert.Equal("ResourceExhausted", error.StatusCode);
        Assert.Equal(1, nsmgr.Closes);
        Assert.Equal(ConnectionPhase.None, (await grain.GetState()).Phase);
    }

    [Fact]
    public async Task A_malformed_close_answer_is_logged_and_the_connection_still_closes()
    {
        var since = fixture.Logs.Mark();
        await using var nsmgr = await HostileNsmgr.StartAsync();
        var id = NscScenario.NewId("malformed-close");
        var grain = fixture.Connection(id);
        await grain.Request(fixture.RequestFor(id, nsmgr.Address));
        nsmgr.AnswerClose = GrpcFrames.Garbage;

        await grain.Close();

        Assert.Equal(ConnectionPhase.Closed, (await grain.GetState()).Phase);
        Assert.Equal(1, nsmgr.Closes);
        Assert.Contains(fixture.Logs.Lines("CloseFailed", nsmgr.Address, since), line => line.Contains("not a valid google.protobuf.Empty", StringComparison.Ordinal));
    }

    private static byte[] Answer(string answer) => answer switch
    {
        "garbage" => GrpcFrames.Garbage(),
        "oversized" => GrpcFrames.Of(new Connection { Id = "padding", Labels = { ["padding"] = new string('p', HostileClusterFixture.MaxReceiveMessageBytes) } }),
        _ => throw new ArgumentOutOfRangeException(nameof(answer), answer, "unknown answer"),
    };
}
