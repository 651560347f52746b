using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Nsm.Api;
using Nsm.Healing.Decisions;
using Nsm.Healing.Nsmgr;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// One NSMgr's MonitorConnections stream, for one epoch of its monitor grain: connect, hand the snapshot
/// over, pump events through a bounded queue in batches, report a loss once, reconnect with backoff and jitter,
/// and reopen now and then to re-read the snapshot. Stops when cancelled or when the grain says it is stale.
/// </summary>
internal sealed class NsmgrMonitorLoop(
    string nsmgrAddress,
    long epoch,
    INsmgrMonitorGrain owner,
    NsmgrChannelPool channels,
    MonitorOptions options,
    OwnIdentity ownIdentity,
    int maxReceiveMessageBytes,
    JitterSource jitter,
    TimeProvider time,
    ILogger logger)
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _resyncLock = new();
    private Task _run = Task.CompletedTask;

    // The healthy stream's resync clock and when it fires, so a verification can only bring the resync forward.
    private CancellationTokenSource? _resync;
    private DateTimeOffset _resyncAt;

    // Set once the owner was told of a loss; cleared by the next snapshot. A loss is reported once per outage.
    private bool _lossReported;

    // When the stream's snapshot came, kept across our own resyncs (a new stream at once, no break), cleared the moment a
    // stream breaks: in UTC ticks, 0 while no stream is open. Read by the grain's silo from any thread.
    private long _openSinceTicks;

    // Failed streams in a row. A stream that delivered its snapshot was healthy, so the next outage backs off from
    // the first delay again, however many outages came before.
    private int _failures;

    public long Epoch => epoch;

    public bool IsCompleted => _run.IsCompleted;

    /// <summary>
    /// Since when the NSMgr has been streaming to us without a break, or null. An NSMgr that restarted broke the stream:
    /// its connections' next Requests find an NSMgr that forgot them. Our own resyncs reopen at once and do not count.
    /// </summary>
    public DateTimeOffset? OpenSince => Volatile.Read(ref _openSinceTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    public void Start() => _run = Task.Run(RunAsync);

    public void Stop() => _stop.Cancel();

    /// <summary>
    /// Re-reads the snapshot within <paramref name="delay"/> unless a resync comes sooner: closes are verified against it.
    /// Before the snapshot is in, the snapshot on its way serves.
    /// </summary>
    public void ResyncWithin(TimeSpan delay)
    {
        lock (_resyncLock)
        {
            var at = time.GetUtcNow() + delay;
            if (_resync is null || at >= _resyncAt)
            {
                return;
            }

            _resyncAt = at;
            _resync.CancelAfter(delay);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                switch (await RunStreamOnceAsync())
                {
                    case StreamOutcome.Stale:
                        MonitorLog.StaleLoopStopped(logger, nsmgrAddress, epoch);
                        return;
                    case StreamOutcome.Resync:
                        break;
                    case StreamOutcome.Broken broken:
                        Volatile.Write(ref _openSinceTicks, 0);
                        _failures++;
                        var delay = ReconnectDelay(_failures);
                        MonitorLog.StreamBroken(logger, nsmgrAddress, epoch, _failures, broken.Reason, (long)delay.TotalMilliseconds);
                        if (!_lossReported)
                        {
                            if (!await owner.OnStreamLost(epoch, broken.Reason))
                            {
                                MonitorLog.StaleLoopStopped(logger, nsmgrAddress, epoch);
                                return;
                            }

                            _lossReported = true;
                        }

                        await Task.Delay(delay, _stop.Token);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // The grain's sweep timer and the silo supervisors start a new loop; say loudly that this one died.
            MonitorLog.LoopFailed(logger, e, nsmgrAddress);
        }
    }

    /// <summary>
    /// One stream from connect to end. Owner calls failing (e.g. the silo is going away) end it as broken, and so does
    /// anything the NSMgr sends that is not a valid stream: an oversized or undecodable message, or no snapshot in time.
    /// </summary>
    private async Task<StreamOutcome> RunStreamOnceAsync()
    {
        // Both start only when needed: the snapshot deadline now, the resync clock once the snapshot is in.
        using var initialState = new CancellationTokenSource(options.InitialStateTimeout);
        using var resync = new CancellationTokenSource();
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, initialState.Token, resync.Token);
        try
        {
            // Rented for the stream's life, so the pool never closes the channel under it.
            using var channel = channels.Rent(nsmgrAddress);
            using var call = new MonitorConnection.MonitorConnectionClient(channel.Channel).MonitorConnections(new MonitorScopeSelector(), cancellationToken: stream.Token);
            var responses = call.ResponseStream;
            if (!await responses.MoveNext(stream.Token))
            {
                return new StreamOutcome.Broken("the stream ended before INITIAL_STATE_TRANSFER");
            }

            initialState.CancelAfter(Timeout.InfiniteTimeSpan);
            ArmResync(resync, ResyncInterval());
            if (responses.Current.Type != ConnectionEventType.InitialStateTransfer)
            {
                MonitorLog.MalformedEvent(logger, nsmgrAddress, $"first event was {responses.Current.Type}, not INITIAL_STATE_TRANSFER");
                return new StreamOutcome.Broken("the stream did not start with INITIAL_STATE_TRANSFER");
            }

            // Stamped on arrival: a connection (re)established after this moment is not "missing" from it.
            var receivedAt = time.GetUtcNow();
            var snapshot = Observe(responses.Current, includeUnchanged: true, ownIdentity.Matcher());
            if (!await owner.OnStreamSnapshot(epoch, snapshot, afterLoss: _lossReported, receivedAt))
            {
                return new StreamOutcome.Stale();
            }

            _lossReported = false;
            _failures = 0;
            if (Volatile.Read(ref _openSinceTicks) == 0)
            {
                Volatile.Write(ref _openSinceTicks, receivedAt.UtcTicks);
            }

            return await PumpAsync(responses, stream);
        }
        catch (Exception e) when (IsCancellation(e) && !_stop.IsCancellationRequested && resync.IsCancellationRequested)
        {
            MonitorLog.Resync(logger, nsmgrAddress, "periodic resync, or to verify closes");
            return new StreamOutcome.Resync();
        }
        // Whatever shape the cancel takes (over mTLS a handshake cut short surfaces as an SSL or I/O error), our timeout
        // fired before the snapshot came: that is the reason.
        catch (Exception) when (!_stop.IsCancellationRequested && initialState.IsCancellationRequested)
        {
            return new StreamOutcome.Broken($"no INITIAL_STATE_TRANSFER within {options.InitialStateTimeout.TotalSeconds:0.###} s ({MonitorOptions.Section}:{nameof(MonitorOptions.InitialStateTimeout)})");
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            return new StreamOutcome.Broken(e is RpcException rpc ? NsmgrCallFailure.Describe(rpc, nameof(ConnectionEvent), maxReceiveMessageBytes).Cause : e.Message);
        }
        finally
        {
            lock (_resyncLock)
            {
                _resync = null;
            }
        }
    }

    private void ArmResync(CancellationTokenSource resync, TimeSpan after)
    {
        lock (_resyncLock)
        {
            _resync = resync;
            _resyncAt = time.GetUtcNow() + after;
            resync.CancelAfter(after);
        }
    }

    private static bool IsCancellation(Exception e) => e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled };

    /// <summary>
    /// Reads the stream into a bounded queue and hands it to the owner in batches. A full queue means the grains
    /// cannot keep up: rather than drop an event, reopen the stream and reconcile from a fresh snapshot.
    /// </summary>
    private async Task<StreamOutcome> PumpAsync(IAsyncStreamReader<ConnectionEvent> responses, CancellationTokenSource stream)
    {
        var queue = Channel.CreateBounded<StreamObservation>(new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, SingleWriter = true });
        var overflowed = false;
        var reader = Task.Run(async () =>
        {
            try
            {
                while (await responses.MoveNext(stream.Token))
                {
                    foreach (var observation in Observe(responses.Current, includeUnchanged: false))
                    {
                        if (!queue.Writer.TryWrite(observation))
                        {
                            overflowed = true;
                            MonitorLog.QueueOverflow(logger, nsmgrAddress, options.QueueCapacity);
                            return;
                        }
                    }
                }
            }
            finally
            {
                // The stream ended, broke or overflowed (anything but our own cancel): no longer open, from this moment,
                // though the events already queued are still being delivered.
                if (!stream.IsCancellationRequested)
                {
                    Volatile.Write(ref _openSinceTicks, 0);
                }

                queue.Writer.TryComplete();
            }
        });

        var batch = new List<StreamObservation>(options.BatchSize);
        while (await queue.Reader.WaitToReadAsync(stream.Token))
        {
            while (batch.Count < options.BatchSize && queue.Reader.TryRead(out var observation))
            {
                batch.Add(observation);
            }

            if (!await owner.OnStreamEvents(epoch, batch.ToArray()))
            {
                await stream.CancelAsync();
                return new StreamOutcome.Stale();
            }

            batch.Clear();
        }

        await reader;
        if (overflowed)
        {
            return new StreamOutcome.Resync();
        }

        return new StreamOutcome.Broken("the NSMgr ended the stream");
    }

    private IReadOnlyList<StreamObservation> Observe(ConnectionEvent connectionEvent, bool includeUnchanged, Func<Connection, bool>? ours = null)
    {
        var (observations, problems) = MonitorEventTranslator.Observe(connectionEvent, includeUnchanged, ours);
        foreach (var problem in problems)
        {
            MonitorLog.MalformedEvent(logger, nsmgrAddress, problem);
        }

        return observations;
    }

    private TimeSpan ReconnectDelay(int failures)
    {
        var bound = Math.Min(options.ReconnectMaxDelay.TotalMilliseconds, options.ReconnectFirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 30)));
        return TimeSpan.FromMilliseconds(bound * jitter.NextFraction());
    }

    private TimeSpan ResyncInterval() => options.ResyncInterval * (0.75 + 0.5 * jitter.NextFraction());

    private abstract record StreamOutcome
    {
        /// <summary>A newer activation owns the stream: stop for good.</summary>
        public sealed record Stale : StreamOutcome;

        /// <summary>Reopen at once to re-read the snapshot (periodic, or the queue overflowed); not an outage.</summary>
        public sealed record Resync : StreamOutcome;

        /// <summary>The stream failed or ended: control plane down until a new snapshot arrives.</summary>
        public sealed record Broken(string Reason) : StreamOutcome;
    }
}
