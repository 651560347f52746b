using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Requests;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Variant (b), an upstream-style NSC written here: one MonitorConnections stream per connection (scope selector on
/// its own path segment); on DOWN/DELETE it restores or closes and reselects (as <see cref="OnDown"/> says), on a
/// stream break it restores; a failed Request is retried after a fixed interval (no backoff, no jitter, no
/// admission), then the stream is reopened. The same wire requests as the grain (<see cref="HealRequests"/>).
/// </summary>
public sealed class UpstreamStyleClient : IAsyncDisposable
{
    private readonly NetworkService.NetworkServiceClient _nsmgr;
    private readonly MonitorConnection.MonitorConnectionClient _monitor;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _retryInterval;
    private TaskCompletionSource _streamOpen = NewSignal();
    private TaskCompletionSource _healed = NewSignal();
    private NetworkServiceRequest _lastGood;
    private Task _loop = Task.CompletedTask;

    private UpstreamStyleClient(CallInvoker channel, NetworkServiceRequest lastGood, HealDecision onDown, TimeSpan retryInterval)
    {
        _nsmgr = new NetworkService.NetworkServiceClient(channel);
        _monitor = new MonitorConnection.MonitorConnectionClient(channel);
        _lastGood = lastGood;
        OnDown = onDown;
        _retryInterval = retryInterval;
    }

    public HealDecision OnDown { get; }

    public int Heals { get; private set; }

    public string Id => _lastGood.Connection.Id;

    /// <summary>Completes at the next successful heal after the call.</summary>
    public Task NextHeal => Volatile.Read(ref _healed).Task;

    /// <summary>Completes once the (re)opened stream has delivered its snapshot.</summary>
    public Task StreamOpen => Volatile.Read(ref _streamOpen).Task;

    public static async Task<UpstreamStyleClient> ConnectAsync(CallInvoker channel, string id, HealDecision onDown, TimeSpan retryInterval)
    {
        var nsmgr = new NetworkService.NetworkServiceClient(channel);
        var request = NsmWire.NewRequest(id, withPath: true);
        var answer = await nsmgr.RequestAsync(request);
        var client = new UpstreamStyleClient(channel, HealRequests.WithAnswer(request, answer), onDown, retryInterval);
        client._loop = Task.Run(client.RunAsync);
        return client;
    }

    private async Task RunAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var decision = await WatchAsync();
            if (_stop.IsCancellationRequested)
            {
                return;
            }

            await HealAsync(decision);
        }
    }

    /// <summary>Reads the stream until it says this connection is DOWN (→ <see cref="OnDown"/>) or breaks (→ restore).</summary>
    private async Task<HealDecision> WatchAsync()
    {
        var segment = _lastGood.Connection.Path.PathSegments[0];
        var selector = new MonitorScopeSelector { PathSegments = { new PathSegment { Name = segment.Name, Id = segment.Id } } };
        try
        {
            using var call = _monitor.MonitorConnections(selector, cancellationToken: _stop.Token);
            await foreach (var connectionEvent in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                Volatile.Read(ref _streamOpen).TrySetResult();
                if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer)
                {
                    continue;
                }

                foreach (var connection in connectionEvent.Connections.Values)
                {
                    if (MonitorEventTranslator.ClientConnectionId(connection) == Id
                        && MonitorEventTranslator.KindOf(connectionEvent.Type, connection) is MonitorEventKind.Down or MonitorEventKind.Deleted)
                    {
                        return OnDown;
                    }
                }
            }
        }
        catch (RpcException)
        {
        }
        catch (OperationCanceledException)
        {
        }

        return HealDecision.Restore;
    }

    private async Task HealAsync(HealDecision decision)
    {
        Volatile.Write(ref _streamOpen, NewSignal());
        if (decision == HealDecision.Reselect)
        {
            try
            {
                await _nsmgr.CloseAsync(HealRequests.ForClose(_lastGood.Connection), cancellationToken: _stop.Token);
            }
            catch (RpcException)
            {
                // Upstream closes best-effort before reselecting; the NSMgr expires what it keeps.
            }
        }

        var request = decision == HealDecision.Reselect ? HealRequests.Reselect(_lastGood) : HealRequests.Restore(_lastGood);
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var answer = await _nsmgr.RequestAsync(request, cancellationToken: _stop.Token);
                _lastGood = HealRequests.WithAnswer(request, answer);
                Heals++;
                Interlocked.Exchange(ref _healed, NewSignal()).TrySetResult();
                return;
            }
            catch (RpcException) when (!_stop.IsCancellationRequested)
            {
                await Task.Delay(_retryInterval, TimeProvider.System, CancellationToken.None);
            }
            catch (RpcException)
            {
                return;
            }
        }
    }

    /// <summary>Stops watching and closes the connection at the NSMgr.</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        try
        {
            await _nsmgr.CloseAsync(HealRequests.ForClose(_lastGood.Connection));
        }
        catch (RpcException)
        {
        }

        _stop.Dispose();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
