using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Decisions;
using Nsm.Healing.Identity;
using Nsm.Healing.IntegrationTests.Support;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;
using Nsm.Simulator;
using Nsm.Simulator.Identity;
using Nsm.Simulator.Topology;

namespace Nsm.Healing.IntegrationTests;

/// <summary>
/// The monitor loop against a real NSMgr stream that goes away: its reconnect backoff, and what it says of the stream's
/// continuity (which a first reselect trusts instead of asking the NSMgr what it holds).
/// </summary>
public sealed class MonitorLoopTests
{
    private static readonly MonitorOptions LoopOptions = new()
    {
        ReconnectFirstDelay = TimeSpan.FromMilliseconds(5),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(20),
        InitialStateTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>
    /// A stream that delivered its snapshot was healthy, so the second outage starts again at failure 1 (the shortest
    /// delay), not where the first outage's count left off.
    /// </summary>
    [Fact]
    public async Task A_stream_that_delivered_its_snapshot_resets_the_reconnect_backoff()
    {
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1), security: SimulatorSecurity.Plaintext);
        var events = new ConcurrentQueue<string>();
        using var channels = Channels();
        var loop = Loop(simulator, channels, events);
        loop.Start();
        try
        {
            await Eventually.True(() => Count(events, "snapshot") == 1, "the first snapshot");
            simulator.Faults.StopNsmgr("nsmgr-1");
            await Eventually.True(() => Count(events, "broken") >= 3, "three failed streams in a row while the NSMgr is down");
            simulator.Faults.StartNsmgr("nsmgr-1");
            await Eventually.True(() => Count(events, "snapshot") == 2, "the snapshot after the NSMgr came back");

            simulator.Faults.StopNsmgr("nsmgr-1");
            await Eventually.True(() => events.SkipWhile(e => !e.StartsWith("snapshot 2", StringComparison.Ordinal)).Any(e => e.StartsWith("broken", StringComparison.Ordinal)),
                "the stream to break again");
        }
        finally
        {
            loop.Stop();
        }

        var afterFirstSnapshot = events.SkipWhile(e => e != "snapshot 1").Skip(1).First();
        var afterSecondSnapshot = events.SkipWhile(e => e != "snapshot 2").Skip(1).First();
        Assert.Equal("broken 1", afterFirstSnapshot);
        Assert.Equal("broken 1", afterSecondSnapshot);
    }

    [Fact]
    public async Task The_stream_is_open_since_its_first_snapshot_through_our_own_resyncs_and_not_once_it_breaks()
    {
        await using var simulator = await NsmSimulator.StartAsync(SimulatorTopology.Default(nodes: 1), security: SimulatorSecurity.Plaintext);
        var events = new ConcurrentQueue<string>();
        using var channels = Channels();
        var loop = Loop(simulator, channels, events);
        Assert.Null(loop.OpenSince);
        loop.Start();
        try
        {
            await Eventually.True(() => loop.OpenSince is not null, "the first snapshot");
            var since = loop.OpenSince;

            // Our own resync reopens the stream at once: no break the NSMgr could have restarted in.
            loop.ResyncWithin(TimeSpan.FromMilliseconds(1));
            await Eventually.True(() => Count(events, "snapshot") == 2, "the resync's snapshot");
            Assert.Equal(since, loop.OpenSince);

            simulator.Faults.StopNsmgr("nsmgr-1");
            await Eventually.True(() => loop.OpenSince is null, "the break to be seen");
            simulator.Faults.StartNsmgr("nsmgr-1");
            await Eventually.True(() => Count(events, "snapshot") == 3, "the snapshot after the NSMgr came back");
            Assert.True(loop.OpenSince > since, "open since the new stream's snapshot");
        }
        finally
        {
            loop.Stop();
        }
    }

    private static NsmgrChannelPool Channels()
    {
        var nsmgrs = Options.Create(new NsmgrClientOptions { AllowedAddresses = HealingCluster.LoopbackNsmgrs });
        return new NsmgrChannelPool(nsmgrs, new NsmgrAddressAllowList(nsmgrs), TimeProvider.System);
    }

    private static NsmgrMonitorLoop Loop(NsmSimulator simulator, NsmgrChannelPool channels, ConcurrentQueue<string> events) =>
        new(simulator.NsmgrAddress("nsmgr-1"), epoch: 1, new RecordingOwner(events), channels, LoopOptions,
            new OwnIdentity(new PlaintextIdentity(), Options.Create(LoopOptions)),
            new NsmgrClientOptions().MaxReceiveMessageBytes, new JitterSource(new Random(7)), TimeProvider.System, new BrokenStreamLogger(events));

    private static int Count(ConcurrentQueue<string> events, string kind) => events.Count(e => e.StartsWith(kind, StringComparison.Ordinal));

    /// <summary>The monitor grain's side of the loop: accepts everything and records each snapshot in order.</summary>
    private sealed class RecordingOwner(ConcurrentQueue<string> events) : INsmgrMonitorGrain
    {
        private int _snapshots;

        public Task<bool> OnStreamSnapshot(long epoch, IReadOnlyList<StreamObservation> snapshot, bool afterLoss, DateTimeOffset receivedAt)
        {
            events.Enqueue($"snapshot {Interlocked.Increment(ref _snapshots)}");
            return Task.FromResult(true);
        }

        public Task<bool> OnStreamEvents(long epoch, IReadOnlyList<StreamObservation> observations) => Task.FromResult(true);

        public Task<bool> OnStreamLost(long epoch, string reason) => Task.FromResult(true);

        public Task Register(string connectionId) => throw new NotSupportedException();

        public Task Unregister(string connectionId) => throw new NotSupportedException();

        public Task EnsureRunning() => throw new NotSupportedException();

        public Task WakeConnections(long membershipVersion) => throw new NotSupportedException();

        public Task<MonitorStatus> GetStatus() => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> GetConnectionIds() => throw new NotSupportedException();

        public Task<DateTimeOffset?> StreamOpenSince() => throw new NotSupportedException();
    }

    /// <summary>Records each MonitorStreamBroken event with the failure count the loop logged.</summary>
    private sealed class BrokenStreamLogger(ConcurrentQueue<string> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "MonitorStreamBroken" && state is IReadOnlyList<KeyValuePair<string, object?>> fields)
            {
                events.Enqueue($"broken {fields.Single(field => field.Key == "Failures").Value}");
            }
        }
    }
}
