using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Admission;
using Nsm.Healing.Grains;
using Nsm.Healing.Telemetry;
using Orleans.Concurrency;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Owns one NSMgr's monitor stream for the whole cluster. The stream loop runs beside the grain on its silo
/// (<see cref="MonitorStreamRunner"/>), never inside a grain call; it hands what it reads to this grain, which
/// fences it by epoch and fans events out to the connection grains with one-way calls.
/// </summary>
[Reentrant]
public sealed class NsmgrMonitorGrain : Grain, INsmgrMonitorGrain
{
    private readonly IPersistentState<NsmgrMonitorState> _state;
    private readonly MonitorStreamRunner _runner;
    private readonly MonitorOptions _options;
    private readonly ILogger<NsmgrMonitorGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly HealingMetrics _metrics;

    // What each connection was last told, so a repeated DOWN does not start work twice.
    private readonly Dictionary<string, StreamObservation> _lastDelivered = new(StringComparer.Ordinal);
    private bool _streamConnected;
    // Counts registrations, so a sweep can tell that an id it found without a connection was registered again meanwhile.
    private long _registrations;
    private long _delivered, _unmatched, _unchanged, _losses, _snapshots;

    public NsmgrMonitorGrain(
        [PersistentState("monitor", HealingStorage.Name)] IPersistentState<NsmgrMonitorState> state,
        MonitorStreamRunner runner,
        IOptions<MonitorOptions> options,
        HealingMetrics metrics,
        ILogger<NsmgrMonitorGrain> logger)
    {
        _metrics = metrics;
        _state = state;
        _runner = runner;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(state.WriteStateAsync);
    }

    private string Address => this.GetPrimaryKeyString();
    private NsmgrMonitorState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        State.Epoch++;
        await _writer.WriteAsync();
        // Keeps the activation (and so the stream) alive, and restarts a loop that died.
        this.RegisterGrainTimer(EnsureStreamAsync, new GrainTimerCreationOptions(_options.SweepInterval, _options.SweepInterval) { KeepAlive = true, Interleave = true });
        await EnsureStreamAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful hand-over: the next call (a supervisor sweep) re-activates the grain on a live silo.
        _runner.Stop(Address, State.Epoch);
        MarkStreamClosed(lost: false);
        return Task.CompletedTask;
    }

    async Task INsmgrMonitorGrain.Register(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        _registrations++;
        if (!State.ConnectionIds.Add(connectionId))
        {
            return;
        }

        await _writer.WriteAsync();
        // Every new id, not only the first: registrations interleave (the grain is reentrant), and the
        // directory's Add is idempotent, so this also repairs a directory entry lost to a failed call.
        await GrainFactory.GetGrain<IMonitorDirectoryGrain>(0).Add(Address);

        await EnsureStreamAsync(CancellationToken.None);
    }

    async Task INsmgrMonitorGrain.Unregister(string connectionId)
    {
        if (!State.ConnectionIds.Remove(connectionId))
        {
            return;
        }

        _lastDelivered.Remove(connectionId);
        await _writer.WriteAsync();
        await LeaveWhenEmptyAsync();
    }

    Task INsmgrMonitorGrain.EnsureRunning() => EnsureStreamAsync(CancellationToken.None);

    /// <summary>
    /// Asks every registered connection for its state, which also wakes it (its activation reschedules what was
    /// due). A registration whose connection has no state any more (phase None: its state was lost with a silo, as
    /// on the Development profile) is forgotten, so the registry, `nsm-heal list` and /status name only connections
    /// that exist.
    /// </summary>
    async Task INsmgrMonitorGrain.WakeConnections()
    {
        var registrationsBefore = _registrations;
        var ids = State.ConnectionIds.ToList();
        var phases = await Task.WhenAll(ids.Select(async id =>
        {
            try
            {
                return (await GrainFactory.GetGrain<IConnectionGrain>(id).GetState()).Phase;
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                // Mid-failover; the next membership change asks again.
                return (ConnectionPhase?)null;
            }
        }));
        var lost = ids.Where((_, i) => phases[i] == ConnectionPhase.None).ToList();
        if (lost.Count == 0 || _registrations != registrationsBefore)
        {
            return;
        }

        MonitorLog.ForgotLostConnections(_logger, Address, lost.Count);
        foreach (var id in lost)
        {
            State.ConnectionIds.Remove(id);
            _lastDelivered.Remove(id);
        }

        await _writer.WriteAsync();
        await LeaveWhenEmptyAsync();
    }

    /// <summary>With no connection left to watch: close the stream and leave the directory.</summary>
    private async Task LeaveWhenEmptyAsync()
    {
        if (State.ConnectionIds.Count == 0)
        {
            _runner.Stop(Address, State.Epoch);
            MarkStreamClosed(lost: false);
            await GrainFactory.GetGrain<IMonitorDirectoryGrain>(0).Remove(Address);
        }
    }

    Task<MonitorStatus> INsmgrMonitorGrain.GetStatus() => Task.FromResult(new MonitorStatus
    {
        NsmgrAddress = Address,
        Epoch = State.Epoch,
        Silo = RuntimeIdentity,
        RegisteredConnections = State.ConnectionIds.Count,
        StreamConnected = _streamConnected && _runner.IsRunning(Address, State.Epoch),
        EventsDelivered = _delivered,
        EventsUnmatched = _unmatched,
        EventsUnchanged = _unchanged,
        StreamLosses = _losses,
        Snapshots = _snapshots,
    });

    Task<IReadOnlyList<string>> INsmgrMonitorGrain.GetConnectionIds() =>
        Task.FromResult<IReadOnlyList<string>>(State.ConnectionIds.Order(StringComparer.Ordinal).ToArray());

    Task<bool> INsmgrMonitorGrain.OnStreamEvents(long epoch, IReadOnlyList<StreamObservation> observations)
    {
        if (epoch != State.Epoch)
        {
            return Task.FromResult(false);
        }

        MarkStreamOpen(afterLoss: false);
        foreach (var observation in observations)
        {
            Deliver(observation);
        }

        return Task.FromResult(true);
    }

    Task<bool> INsmgrMonitorGrain.OnStreamSnapshot(long epoch, IReadOnlyList<StreamObservation> snapshot, bool afterLoss, DateTimeOffset receivedAt)
    {
        if (epoch != State.Epoch)
        {
            return Task.FromResult(false);
        }

        MarkStreamOpen(afterLoss);
        _snapshots++;
        _lastDelivered.Clear();
        MonitorLog.StreamConnected(_logger, Address, epoch, snapshot.Count);

        // Level-triggered: a registered connection the NSMgr does not know is gone from the control plane.
        // Restore it (the same endpoint); a restore the NSMgr keeps rejecting escalates to a reselect.
        // Told first, so that the "NSMgr is back" below finds it healing and retries at once.
        var known = snapshot.Select(o => o.ConnectionId).ToHashSet(StringComparer.Ordinal);
        var missing = State.ConnectionIds.Where(id => !known.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            MonitorLog.ReconcileMissing(_logger, Address, missing.Count);
            Broadcast(missing, events => events.OnMissingAtNsmgr(receivedAt));
        }

        if (afterLoss)
        {
            // The NSMgr answers again: everyone healing retries now instead of waiting out a long backoff,
            // and admission starts slow so the returning NSMgr is not flooded.
            GrainFactory.GetGrain<IHealAdmissionGrain>(Address).OnNsmgrReturned().Ignore();
            Broadcast(State.ConnectionIds, events => events.OnControlPlaneRestored());
        }

        foreach (var observation in snapshot.Where(o => o.Kind is not null && State.ConnectionIds.Contains(o.ConnectionId)))
        {
            Deliver(observation);
        }

        return Task.FromResult(true);
    }

    Task<bool> INsmgrMonitorGrain.OnStreamLost(long epoch, string reason)
    {
        if (epoch != State.Epoch)
        {
            return Task.FromResult(false);
        }

        MarkStreamClosed(lost: true);
        _losses++;
        _lastDelivered.Clear();
        MonitorLog.StreamLost(_logger, Address, epoch, reason);
        Broadcast(State.ConnectionIds, events => events.OnControlPlaneLost(reason));
        return Task.FromResult(true);
    }

    private void MarkStreamOpen(bool afterLoss)
    {
        if (!_streamConnected)
        {
            _streamConnected = true;
            _metrics.StreamOpened(afterLoss);
        }
    }

    private void MarkStreamClosed(bool lost)
    {
        if (_streamConnected)
        {
            _streamConnected = false;
            _metrics.StreamClosed(lost);
        }
    }

    private Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        if (State.ConnectionIds.Count > 0 && !_runner.IsRunning(Address, State.Epoch))
        {
            _runner.Start(Address, State.Epoch);
        }

        return Task.CompletedTask;
    }

    private void Deliver(StreamObservation observation)
    {
        if (!State.ConnectionIds.Contains(observation.ConnectionId))
        {
            _unmatched++;
            _metrics.MonitorEvents("unmatched", 1);
            MonitorLog.UnmatchedEvent(_logger, Address, observation.Kind?.ToString(), observation.ConnectionId);
            return;
        }

        if (_lastDelivered.TryGetValue(observation.ConnectionId, out var last) && last.Kind == observation.Kind && last.Connection.Equals(observation.Connection))
        {
            _unchanged++;
            _metrics.MonitorEvents("unchanged", 1);
            return;
        }

        _lastDelivered[observation.ConnectionId] = observation;
        _delivered++;
        _metrics.MonitorEvents("delivered", 1);
        // One-way: the connection grain queues it behind whatever it is doing; in order per connection.
        GrainFactory.GetGrain<IConnectionEvents>(observation.ConnectionId).OnMonitorEvent(new MonitorEvent(observation.Kind!.Value, observation.Connection)).Ignore();
    }

    /// <summary>Tells many connections at once: one-way messages, no round trip each.</summary>
    private void Broadcast(IEnumerable<string> connectionIds, Func<IConnectionEvents, Task> send)
    {
        foreach (var id in connectionIds)
        {
            send(GrainFactory.GetGrain<IConnectionEvents>(id)).Ignore();
        }
    }
}
