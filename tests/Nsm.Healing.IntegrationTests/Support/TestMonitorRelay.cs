using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Net.Client;
using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.IntegrationTests.Support;

/// <summary>
/// Stands in for the monitor worker (a later issue) in these tests: one MonitorConnections stream per NSMgr,
/// events matched by path into the grains, stream loss reported as control plane down, and the return of the
/// NSMgr reported after the reconnect snapshot. Same rules the worker must follow; none of its cluster duties.
/// </summary>
public sealed class TestMonitorRelay : IAsyncDisposable
{
    private readonly IGrainFactory _grains;
    private readonly GrpcChannel _channel;
    private readonly ConcurrentDictionary<string, bool> _connectionIds = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _streamsOpened;

    public TestMonitorRelay(IGrainFactory grains, string nsmgrAddress)
    {
        _grains = grains;
        _channel = GrpcChannel.ForAddress(nsmgrAddress);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>How many times the relay got an INITIAL_STATE_TRANSFER (1 = first connect).</summary>
    public int StreamsOpened => Volatile.Read(ref _streamsOpened);

    public void Track(string connectionId) => _connectionIds[connectionId] = true;

    private async Task RunAsync()
    {
        var client = new MonitorConnection.MonitorConnectionClient(_channel);
        var connectedBefore = false;
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using var call = client.MonitorConnections(new MonitorScopeSelector(), cancellationToken: _stop.Token);
                await foreach (var connectionEvent in call.ResponseStream.ReadAllAsync(_stop.Token))
                {
                    if (connectionEvent.Type == ConnectionEventType.InitialStateTransfer)
                    {
                        Interlocked.Increment(ref _streamsOpened);
                        if (connectedBefore)
                        {
                            await ForEachTracked(id => _grains.GetGrain<IConnectionEvents>(id).OnControlPlaneRestored());
                        }

                        connectedBefore = true;
                    }

                    await Deliver(connectionEvent);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException)
            {
                // The stream broke: the control plane of every connection behind this NSMgr is down.
            }

            if (connectedBefore)
            {
                await ForEachTracked(id => _grains.GetGrain<IConnectionEvents>(id).OnControlPlaneLost("monitor stream lost"));
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), _stop.Token).ContinueWith(_ => { });
        }
    }

    private async Task Deliver(ConnectionEvent connectionEvent)
    {
        var (events, _) = MonitorEventTranslator.Translate(connectionEvent);
        foreach (var (id, monitorEvent) in events.Where(e => _connectionIds.ContainsKey(e.ConnectionId)))
        {
            await _grains.GetGrain<IConnectionEvents>(id).OnMonitorEvent(monitorEvent);
        }
    }

    private Task ForEachTracked(Func<string, Task> action) => Task.WhenAll(_connectionIds.Keys.Select(action));

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        await _loop;
        _channel.Dispose();
        _stop.Dispose();
    }
}
