using Microsoft.Extensions.Time.Testing;
using Nsm.Api;
using Nsm.Healing.Client.Tests.Fakes;

namespace Nsm.Healing.Client.Tests;

/// <summary>A <see cref="LivenessReporter"/> on fake time, with a fake grain and a fake check, for one connection.</summary>
internal sealed class ReporterHarness : IAsyncDisposable
{
    private readonly FakeGrainFactory _grains = new();

    public ReporterHarness(string connectionId, LivenessReporterOptions? options = null)
    {
        Connection = TestConnections.Kernel(connectionId, "10.0.0.2/32");
        Grain.State = UpSnapshot(Connection);
        Options = options ?? new LivenessReporterOptions();
        Reporter = new LivenessReporter(new NsmHealingClient(_grains), connectionId, Check, Options, Time, Logger);
    }

    public FakeTimeProvider Time { get; } = new();
    public FakeLivenessCheck Check { get; } = new();
    public RecordingLogger<LivenessReporter> Logger { get; } = new();
    public LivenessReporterOptions Options { get; }
    public LivenessReporter Reporter { get; }
    public Connection Connection { get; }
    public FakeConnectionGrain Grain => _grains.Grain(Connection.Id);

    public static ConnectionSnapshot UpSnapshot(Connection connection) =>
        new() { ConnectionId = connection.Id, Phase = ConnectionPhase.Up, Connection = connection };

    /// <summary>Starts the reporter and waits for its first check, which runs at once.</summary>
    public async Task StartAsync()
    {
        Reporter.Start();
        await Check.Calls.WaitForCountAsync(1);
    }

    /// <summary>Moves fake time one check interval and waits for the next check to start: by then the previous tick has finished.</summary>
    public async Task AdvanceToNextCheckAsync()
    {
        var next = Check.Calls.Count + 1;
        Time.Advance(Options.CheckInterval);
        await Check.Calls.WaitForCountAsync(next);
    }

    public bool Logged(string eventName, string fragment) =>
        Logger.Entries.Items.Any(entry => entry.EventName == eventName && entry.Message.Contains(fragment, StringComparison.Ordinal));

    public ValueTask DisposeAsync() => Reporter.DisposeAsync();
}
