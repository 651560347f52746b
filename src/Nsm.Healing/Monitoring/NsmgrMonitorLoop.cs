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
    JitterSource jitter,
    TimeProvider time,
    ILogger logger)
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    // Set once the owner was told of a loss; cleared by the next snapshot. A loss is reported once per outage.
    private bool _lossReported;

    public long Epoch => epoch;

    public bool IsCompleted => _run.IsCompleted;

    public void Start() => _run = Task.Run(RunAsync);

    public void Stop() => _stop.Cancel();

    private async Task RunAsync()
    {
        var client = new MonitorConnection.MonitorConnectionClient(channels.Get(nsmgrAddress));
        var failures = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                switch (await RunStreamOnceAsync(client))
                {
                    case StreamOutcome.Stale:
                        MonitorLog.StaleLoopStopped(logger, nsmgrAddress, epoch);
                        return;
                    case StreamOutcome.Resync:
                        failures = 0;
                        break;
                    case StreamOutcome.Broken broken:
                        if (!_lossReported)
                        {
                            if (!await owner.OnStreamLost(epoch, broken.Reason))
                            {
                                MonitorLog.StaleLoopStopped(logger, nsmgrAddress, epoch);
                                return;
                            }

                            _lossReported = true;
                        }

                        failures++;
                        await Task.Delay(ReconnectDelay(failures), _stop.Token);
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

    /// <summary>One stream from connect to end. Owner calls failing (e.g. the silo is going away) end it as broken.</summary>
    private async Task<StreamOutcome> RunStreamOnceAsync(MonitorConnection.MonitorConnectionClient client)
    {
        using var resync = new CancellationTokenSource(ResyncInterval());
        using var stream = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, resync.Token);
        try
        {
            using var call = client.MonitorConnections(new MonitorScopeSelector(), cancellationToken: stream.Token);
            var responses = call.ResponseStream;
            if (!await responses.MoveNext(stream.Token))
            {
                return new StreamOutcome.Broken("the stream ended before INITIAL_STATE_TRANSFER");
            }

            if (responses.Current.Type != ConnectionEventType.InitialStateTransfer)
            {
                MonitorLog.MalformedEvent(logger, nsmgrAddress, $"first event was {responses.Current.Type}, not INITIAL_STATE_TRANSFER");
                return new StreamOutcome.Broken("the stream did not start with INITIAL_STATE_TRANSFER");
            }

            // Stamped on arrival: a connection (re)established after this moment is not "missing" from it.
            var receivedAt = time.GetUtcNow();
            if (!await owner.OnStreamSnapshot(epoch, Observe(responses.Current, includeUnchanged: true), afterLoss: _lossReported, receivedAt))
            {
                return new StreamOutcome.Stale();
            }

            _lossReported = false;
            return await PumpAsync(responses, stream);
        }
        catch (OperationCanceledException) when (resync.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            MonitorLog.Resync(logger, nsmgrAddress, "periodic resync");
            return new StreamOutcome.Resync();
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && resync.IsCancellationRequested && !_stop.IsCancellationRequested)
        {
            MonitorLog.Resync(logger, nsmgrAddress, "periodic resync");
            return new StreamOutcome.Resync();
        }
        catch (Exception e) when (!_stop.IsCancellationRequested)
        {
            return new StreamOutcome.Broken(e is RpcException rpc ? $"{rpc.StatusCode}: {rpc.Status.Detail}" : e.Message);
        }
    }

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

    /// <summary>Matched, actionable entries of one event; snapshot entries are all kept, since presence matters there.</summary>
    private IReadOnlyList<StreamObservation> Observe(ConnectionEvent connectionEvent, bool includeUnchanged)
    {
        var observations = new List<StreamObservation>(connectionEvent.Connections.Count);
        foreach (var (key, connection) in connectionEvent.Connections)
        {
            var kind = MonitorEventTranslator.KindOf(connectionEvent.Type, connection);
            if (kind is null && !includeUnchanged)
            {
                continue;
            }

            if (MonitorEventTranslator.ClientConnectionId(connection) is { } id)
            {
                observations.Add(new StreamObservation(id, kind, connection));
            }
            else
            {
                MonitorLog.MalformedEvent(logger, nsmgrAddress, $"connection '{key}' has no path segment 0 to match it by");
                observations.Add(new StreamObservation("", kind, connection));
            }
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
