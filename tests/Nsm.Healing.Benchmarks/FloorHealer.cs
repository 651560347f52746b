using System.Collections.Concurrent;
using Grpc.Core;
using Nsm.Api;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// Variant (a), the floor: one MonitorConnections stream to the NSMgr; when it carries a DOWN or DELETE for an armed
/// connection, exactly one Request goes out. Event delivery plus one gRPC round trip, nothing else.
/// </summary>
public sealed class FloorHealer : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (NetworkServiceRequest Request, TaskCompletionSource<Connection> Done)> _armed = new(StringComparer.Ordinal);
    private readonly NetworkService.NetworkServiceClient _nsmgr;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _snapshotRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;

    private FloorHealer(CallInvoker channel)
    {
        _nsmgr = new NetworkService.NetworkServiceClient(channel);
        _loop = Task.Run(() => ReadAsync(new MonitorConnection.MonitorConnectionClient(channel)));
    }

    public static async Task<FloorHealer> StartAsync(CallInvoker channel)
    {
        var healer = new FloorHealer(channel);
        await healer._snapshotRead.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return healer;
    }

    /// <summary>The next DOWN/DELETE for <paramref name="connectionId"/> sends <paramref name="heal"/>; the task ends with the answer.</summary>
    public Task<Connection> Arm(string connectionId, NetworkServiceRequest heal)
    {
        var done = new TaskCompletionSource<Connection>(TaskCreationOptions.RunContinuationsAsynchronously);
        _armed[connectionId] = (heal, done);
        return done.Task;
    }

    private async Task ReadAsync(MonitorConnection.MonitorConnectionClient monitor)
    {
        using var call = monitor.MonitorConnections(new MonitorScopeSelector(), cancellationToken: _stop.Token);
        try
        {
            await foreach (var connectionEvent in call.ResponseStream.ReadAllAsync(_stop.Token))
            {
                _snapshotRead.TrySetResult();
                foreach (var connection in connectionEvent.Connections.Values)
                {
                    if (MonitorEventTranslator.KindOf(connectionEvent.Type, connection) is MonitorEventKind.Down or MonitorEventKind.Deleted
                        && MonitorEventTranslator.ClientConnectionId(connection) is { } id
                        && _armed.TryRemove(id, out var armed))
                    {
                        _ = SendAsync(armed.Request, armed.Done);
                    }
                }
            }
        }
        catch (RpcException) when (_stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task SendAsync(NetworkServiceRequest request, TaskCompletionSource<Connection> done)
    {
        try
        {
            done.TrySetResult(await _nsmgr.RequestAsync(request));
        }
        catch (Exception e)
        {
            done.TrySetException(e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }
}
