using Nsm.Healing.Client.Tests.Fakes;
using Nsm.Api;

namespace Nsm.Healing.Client.Tests;

public sealed class LivenessReporterTests
{
    private static readonly DataPlaneVerdict Up = DataPlaneVerdict.Up;
    private static readonly DataPlaneVerdict Down = DataPlaneVerdict.Down;

    [Theory]
    [InlineData(DataPlaneVerdict.Up)]
    [InlineData(DataPlaneVerdict.Down)]
    public async Task Reports_a_verdict_once_then_again_only_after_the_reaffirm_interval(DataPlaneVerdict verdict)
    {
        await using var harness = new ReporterHarness($"reaffirm-{verdict}");
        harness.Check.Answer(new LivenessResult(verdict, "fake"));
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);
        for (var second = 1; second <= 9; second++)
        {
            await harness.AdvanceToNextCheckAsync();
        }

        // Hold the check at 10 s: once it has started, the ticks at 1..9 s are done, and it cannot report yet.
        var answerAtTenSeconds = new TaskCompletionSource<LivenessResult>();
        harness.Check.Answer((_, _) => answerAtTenSeconds.Task);
        await harness.AdvanceToNextCheckAsync();
        Assert.Equal([verdict], harness.Grain.Reports.Items);

        answerAtTenSeconds.SetResult(new LivenessResult(verdict, "fake"));
        await harness.Grain.Reports.WaitForCountAsync(2);
        Assert.Equal([verdict, verdict], harness.Grain.Reports.Items);
    }

    [Fact]
    public async Task Reports_down_as_soon_as_the_check_fails_and_up_as_soon_as_it_recovers()
    {
        await using var harness = new ReporterHarness("down-then-up");
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        harness.Check.Answer(LivenessResult.Down("no reply from 10.0.0.2"));
        await harness.AdvanceToNextCheckAsync();
        await harness.Grain.Reports.WaitForCountAsync(2);
        harness.Check.Answer(LivenessResult.Up("10.0.0.2 answered"));
        await harness.AdvanceToNextCheckAsync();
        await harness.Grain.Reports.WaitForCountAsync(3);

        Assert.Equal([Up, Down, Up], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("DataPlaneDown", "no reply from 10.0.0.2"));
    }

    [Fact]
    public async Task A_check_that_times_out_counts_as_down()
    {
        await using var harness = new ReporterHarness("check-times-out");
        harness.Check.Hang();
        await harness.StartAsync();

        harness.Time.Advance(harness.Options.CheckTimeout);
        await harness.Grain.Reports.WaitForCountAsync(1);

        Assert.Equal([Down], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("DataPlaneDown", "did not answer within"));
    }

    [Fact]
    public async Task A_check_that_throws_counts_as_down()
    {
        await using var harness = new ReporterHarness("check-throws");
        harness.Check.Answer((_, _) => throw new InvalidOperationException("netlink said no"));
        await harness.StartAsync();

        await harness.Grain.Reports.WaitForCountAsync(1);

        Assert.Equal([Down], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("DataPlaneDown", "netlink said no"));
    }

    [Fact]
    public async Task Unknown_is_never_reported_and_lets_the_last_verdict_go_stale()
    {
        await using var harness = new ReporterHarness("unknown");
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        harness.Check.Answer(LivenessResult.Unknown("no destination IP"));
        for (var second = 1; second <= 11; second++)
        {
            await harness.AdvanceToNextCheckAsync();
        }

        // Past the reaffirm interval and nothing more was said: the grain's Up ages out on its own.
        Assert.Equal([Up], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("DataPlaneUnknown", "no destination IP"));

        harness.Check.Answer(LivenessResult.Up("answered again"));
        await harness.AdvanceToNextCheckAsync();
        await harness.Grain.Reports.WaitForCountAsync(2);
        Assert.Equal([Up, Up], harness.Grain.Reports.Items);
    }

    [Fact]
    public async Task Never_reports_down_about_a_connection_the_grain_has_replaced()
    {
        await using var harness = new ReporterHarness("replaced");
        var healed = TestConnections.Kernel(harness.Connection.Id, "10.0.9.2/32");
        harness.Check.Answer((connection, _) => Task.FromResult(
            connection.Equals(harness.Grain.State.Connection) ? LivenessResult.Up("answered") : LivenessResult.Down("the old vWire is gone")));
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        harness.Grain.State = ReporterHarness.UpSnapshot(healed);
        await harness.AdvanceToNextCheckAsync();
        await harness.Check.Calls.WaitForCountAsync(3);
        await harness.AdvanceToNextCheckAsync();

        Assert.Equal([harness.Connection, harness.Connection, healed, healed], harness.Check.Calls.Items);
        Assert.Equal([Up], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("ConnectionReplaced", harness.Connection.Id));
    }

    [Fact]
    public async Task Waits_for_the_grain_to_have_a_connection_before_checking()
    {
        await using var harness = new ReporterHarness("not-yet-requested");
        harness.Grain.State = new ConnectionSnapshot { ConnectionId = harness.Connection.Id, Phase = ConnectionPhase.Requesting };

        harness.Reporter.Start();
        await harness.Grain.StateReads.WaitForCountAsync(1);
        harness.Time.Advance(harness.Options.CheckInterval);
        await harness.Grain.StateReads.WaitForCountAsync(2);
        Assert.Equal(0, harness.Check.Calls.Count);

        harness.Grain.State = ReporterHarness.UpSnapshot(harness.Connection);
        harness.Time.Advance(harness.Options.CheckInterval);
        await harness.Grain.Reports.WaitForCountAsync(1);

        Assert.Equal([harness.Connection], harness.Check.Calls.Items);
        Assert.Equal([Up], harness.Grain.Reports.Items);
    }

    [Fact]
    public async Task A_report_the_grain_did_not_take_is_sent_again_on_the_next_check()
    {
        await using var harness = new ReporterHarness("grain-unreachable");
        harness.Grain.FailNextReports(1);
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        await harness.AdvanceToNextCheckAsync();
        await harness.Grain.Reports.WaitForCountAsync(2);
        await harness.AdvanceToNextCheckAsync();
        await harness.AdvanceToNextCheckAsync();

        Assert.Equal([Up, Up], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("ConnectionGrainUnreachable", "report data plane Up"));
    }

    [Fact]
    public async Task Stops_once_the_grain_says_the_connection_is_closed()
    {
        await using var harness = new ReporterHarness("closed");
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        harness.Grain.State = harness.Grain.State with { Phase = ConnectionPhase.Closed };
        harness.Check.Answer(LivenessResult.Down("the vWire was removed"));
        harness.Time.Advance(harness.Options.CheckInterval);
        await harness.Reporter.Completion.WaitAsync(TimeSpan.FromSeconds(10));
        harness.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(2, harness.Check.Calls.Count);
        Assert.Equal([Up], harness.Grain.Reports.Items);
        Assert.True(harness.Logged("LivenessReportingStopped", harness.Connection.Id));
    }

    [Fact]
    public async Task Dispose_stops_checking_and_reporting()
    {
        var harness = new ReporterHarness("disposed");
        await harness.StartAsync();
        await harness.Grain.Reports.WaitForCountAsync(1);

        await harness.Reporter.DisposeAsync();
        harness.Time.Advance(TimeSpan.FromMinutes(1));

        Assert.True(harness.Reporter.Completion.IsCompletedSuccessfully);
        Assert.Equal(1, harness.Check.Calls.Count);
        Assert.Equal([Up], harness.Grain.Reports.Items);
    }

    [Fact]
    public async Task Dispose_cancels_a_check_in_progress_and_reports_nothing()
    {
        var harness = new ReporterHarness("disposed-while-checking");
        harness.Check.Hang();
        await harness.StartAsync();

        await harness.Reporter.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(harness.Reporter.Completion.IsCompletedSuccessfully);
        Assert.Empty(harness.Grain.Reports.Items);
    }

    [Fact]
    public async Task Starting_twice_or_after_dispose_is_refused()
    {
        var harness = new ReporterHarness("start-misuse");
        await harness.StartAsync();

        var twice = Assert.Throws<InvalidOperationException>(harness.Reporter.Start);
        Assert.Contains("already started", twice.Message);
        await harness.Reporter.DisposeAsync();
        Assert.Throws<ObjectDisposedException>(harness.Reporter.Start);
    }

    [Fact]
    public void Completion_before_start_is_refused()
    {
        var harness = new ReporterHarness("not-started");

        var error = Assert.Throws<InvalidOperationException>(() => { _ = harness.Reporter.Completion; });
        Assert.Contains("has not been started", error.Message);
    }

    [Fact]
    public void Invalid_options_are_refused_when_the_reporter_is_made()
    {
        var error = Assert.Throws<ArgumentException>(() => new ReporterHarness("bad-options", new LivenessReporterOptions { CheckTimeout = TimeSpan.Zero }));

        Assert.Contains("CheckTimeout must be positive", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void A_blank_connection_id_is_refused(string connectionId)
    {
        var error = Assert.Throws<ArgumentException>(() => new LivenessReporter(
            new NsmHealingClient(new FakeGrainFactory()), connectionId, new FakeLivenessCheck(), new LivenessReporterOptions(),
            TimeProvider.System, new RecordingLogger<LivenessReporter>()));

        Assert.Equal("connectionId", error.ParamName);
    }
}
