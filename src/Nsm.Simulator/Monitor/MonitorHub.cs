using Grpc.Core;
using Microsoft.Extensions.Logging;
using Nsm.Api;
using Nsm.Simulator.Logging;
using Nsm.Simulator.Nsmgrs;

namespace Nsm.Simulator.Monitor;

/// <summary>
/// Fans one NSMgr's connection events out to its monitor streams. Publishing happens under the
/// simulation gate, which keeps every stream's events in the order the changes happened.
/// </summary>
internal sealed class MonitorHub(string nsmgr, ILogger logger)
{
    private readonly Lock _lock = new();
    private readonly List<MonitorSubscription> _subscriptions = [];
    private int _eventsToDrop;

    /// <summary>Opens a stream whose first event is the INITIAL_STATE_TRANSFER of every matching connection.</summary>
    public MonitorSubscription Subscribe(MonitorScopeSelector selector, IEnumerable<ManagedConnection> known)
    {
        var subscription = new MonitorSubscription(selector);
        var initial = new ConnectionEvent { Type = ConnectionEventType.InitialStateTransfer };
        foreach (var connection in known)
        {
            if (ScopeSelectorMatcher.Matches(selector, connection.NscView))
            {
                initial.Connections.Add(connection.OwnSegmentId, connection.View());
            }
        }

        subscription.Send(initial);
        lock (_lock)
        {
            _subscriptions.Add(subscription);
        }

        return subscription;
    }

    public void Unsubscribe(MonitorSubscription subscription)
    {
        lock (_lock)
        {
            _subscriptions.Remove(subscription);
        }
    }

    /// <summary>Sends an arbitrary event, as built by a test, to every stream: for hostile or malformed input.</summary>
    public void SendRaw(ConnectionEvent connectionEvent)
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.Send(connectionEvent.Clone());
            }
        }
    }

    public void DropNext(int count)
    {
        lock (_lock)
        {
            _eventsToDrop = count;
        }
    }

    /// <summary>
    /// Sends one UPDATE or DELETE for a connection to every stream whose selector matches it. An event
    /// that would reach at least one stream counts against <see cref="DropNext"/> and then reaches none.
    /// </summary>
    public void Publish(ConnectionEventType type, ManagedConnection connection)
    {
        lock (_lock)
        {
            ConnectionEvent? connectionEvent = null;
            foreach (var subscription in _subscriptions)
            {
                if (!ScopeSelectorMatcher.Matches(subscription.Selector, connection.NscView))
                {
                    continue;
                }

                if (connectionEvent is null)
                {
                    if (_eventsToDrop > 0)
                    {
                        _eventsToDrop--;
                        SimulatorLog.MonitorEventDropped(logger, nsmgr, type, connection.Wire.ConnectionId, _eventsToDrop);
                        return;
                    }

                    connectionEvent = new ConnectionEvent { Type = type };
                    connectionEvent.Connections.Add(connection.OwnSegmentId, connection.View());
                }

                subscription.Send(connectionEvent);
            }
        }
    }

    public void EndAll(Status status)
    {
        lock (_lock)
        {
            foreach (var subscription in _subscriptions)
            {
                subscription.End(status);
            }

            _subscriptions.Clear();
        }
    }
}
