using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Admission;
using Nsm.Healing.Grains;
using Nsm.Healing.Placement;
using Nsm.Healing.Telemetry;
using Orleans.Concurrency;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Owns one NSMgr's monitor stream for the whole cluster. The stream loop runs beside the grain on its silo
/// (<see cref="MonitorStreamRunner"/>), never inside a grain call; it hands what it reads to this grain, which
/// fences it by epoch and fans events out to the connection grains: each connection's events with one-way calls, news
/// about the NSMgr itself with acknowledged ones (<see cref="AcknowledgedBroadcast"/>).
/// </summary>
[Reentrant]
[NodeLocalPlacement]
public sealed class NsmgrMonitorGrain : Grain, INsmgrMonitorGrain
{
    private readonly IPersistentState<NsmgrMonitorState> _state;
    private readonly MonitorStreamRunner _runner;
    private readonly MonitorOptions _options;
    private readonly ILogger<NsmgrMonitorGrain> _logger;
    private readonly CoalescingWriter _writer;
    private readonly HealingMetrics _metrics;
    private readonly RegisteredConnections _registered;
    private OrphanAudit _audit = null!;
    private readonly string _localNode;
    private readonly ClusterNodes _nodes;
    private bool _waitingForNode;
    private AcknowledgedBroadcast _broadcast = null!;
    private readonly TimeProvider _time;

    // What each connection was last told, so a repeated DOWN does not start work twice.
    private readonly Dictionary<string, StreamObservation> _lastDelivered = new(StringComparer.Ordinal);
    private bool _streamConnected;
    // The directory lists this NSMgr as far as this activation knows; a Register repairs it until an Add succeeds.
    private bool _listed;
    // The newest membership version whose change this grain woke its connections for.
    private long _wokenForMembership;
    private long _delivered, _unmatched, _unchanged, _losses, _snapshots, _wakes;
    // Counts registrations, so a wake can tell that an id it found without a connection was registered again meanwhile.
    private long _registrations;

    public NsmgrMonitorGrain(
        [PersistentState("monitor", HealingStorage.Name)] IPersistentState<NsmgrMonitorState> state,
        IPersistentStateFactory states,
        MonitorStreamRunner runner,
        IOptions<MonitorOptions> options,
        HealingMetrics metrics,
        IOptions<NodeOptions> node,
        ClusterNodes nodes,
        [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
        ILogger<NsmgrMonitorGrain> logger)
    {
        _time = time;
        _localNode = node.Value.NodeName;
        _nodes = nodes;
        _metrics = metrics;
        _state = state;
        _runner = runner;
        _options = options.Value;
        _logger = logger;
        _writer = new CoalescingWriter(state.WriteStateAsync);
        _registered = new RegisteredConnections(states, GrainContext);
    }

    /// <summary>This monitor's key: the NSMgr address, with its node for a node-local unix socket (see <see cref="MonitorKey"/>).</summary>
    private string Key => this.GetPrimaryKeyString();

    /// <summary>The NSMgr address the stream dials and the orphan audit's Closes go to.</summary>
    private string Address => MonitorKey.AddressOf(Key);

    private NsmgrMonitorState State => _state.State;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _audit = new OrphanAudit(Address, GrainFactory, _options.OrphanAuditConcurrency, _metrics, _logger);
        _broadcast = new AcknowledgedBroadcast(Key, _time, _logger);
        State.Epoch++;
        await _writer.WriteAsync();
        // Keeps the activation (and so the stream) alive, and restarts a loop that died.
        this.RegisterGrainTimer(EnsureStreamAsync, new GrainTimerCreationOptions(_options.SweepInterval, _options.SweepInterval) { KeepAlive = true, Interleave = true });
        await EnsureStreamAsync(cancellationToken);
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        // A graceful hand-over: the next call (a supervisor sweep) re-activates the grain on a live silo.
        _runner.Stop(Key, State.Epoch);
        MarkStreamClosed(lost: false);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Stored first (rolled back if the write fails), then listed in the directory: a Register retried after any failure
    /// does whatever is missing, the write, the directory entry and the stream, and a repeat of a done one costs no call.
    /// </summary>
    async Task INsmgrMonitorGrain.Register(string connectionId)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionId);
        _registrations++;
        var added = await _registered.AddAsync(connectionId);
        if (added || !_listed)
        {
            // Idempotent, so registrations that interleave (the grain is reentrant) may each ask.
            await GrainFactory.GetGrain<IMonitorDirectoryGrain>(0).Add(Key);
            _listed = true;
        }

        await EnsureStreamAsync(CancellationToken.None);
    }

    async Task INsmgrMonitorGrain.Unregister(string connectionId)
    {
        if (!await _registered.RemoveAsync(connectionId))
        {
            return;
        }

        _lastDelivered.Remove(connectionId);
        if (_options.AuditOrphans)
        {
            // It left this NSMgr (closed, moved): the snapshot re-read soon must no longer show it, or the audit closes it again.
            _runner.ResyncWithin(Key, State.Epoch, _options.CloseVerificationDelay);
        }

        if (_registered.Count == 0)
        {
            _runner.Stop(Key, State.Epoch);
            MarkStreamClosed(lost: false);
            _listed = false;
            await GrainFactory.GetGrain<IMonitorDirectoryGrain>(0).Remove(Key);
        }
    }

    Task INsmgrMonitorGrain.EnsureRunning() => EnsureStreamAsync(CancellationToken.None);

    /// <summary>
    /// Every silo's supervisor asks after the same membership change; only the first ask per change wakes anyone, so a
    /// silo's death costs one wake per connection, not one per connection per silo. The wake asks each connection for
    /// its state, which wakes its activation (it reschedules what was due); a registration whose connection has no
    /// state any more (phase None: lost with a silo, as on the Development profile) is forgotten, so the registry,
    /// `nsm-heal list` and /status name only connections that exist.
    /// </summary>
    async Task INsmgrMonitorGrain.WakeConnections(long membershipVersion)
    {
        if (membershipVersion <= _wokenForMembership)
        {
            return;
        }

        _wokenForMembership = membershipVersion;
        _wakes++;
        var registrationsBefore = _registrations;
        var ids = _registered.All.ToList();
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

        MonitorLog.ForgotLostConnections(_logger, Key, lost.Count);
        foreach (var id in lost)
        {
            await ((INsmgrMonitorGrain)this).Unregister(id);
        }
    }

    Task<MonitorStatus> INsmgrMonitorGrain.GetStatus() => Task.FromResult(new MonitorStatus
    {
        NsmgrAddress = Address,
        Epoch = State.Epoch,
        Silo = RuntimeIdentity,
        RegisteredConnections = _registered.Count,
        StreamConnected = _streamConnected && _runner.IsRunning(Key, State.Epoch),
        EventsDelivered = _delivered,
        EventsUnmatched = _unmatched,
        EventsUnchanged = _unchanged,
        StreamLosses = _losses,
        Snapshots = _snapshots,
        WakeBroadcasts = _wakes,
        LossOutstanding = State.LossOutstanding,
        OrphanAudits = _audit.Audits,
        OrphansClosed = _audit.OrphansClosed,
        LastOrphanAudit = _audit.Last,
    });

    Task<DateTimeOffset?> INsmgrMonitorGrain.StreamOpenSince() => Task.FromResult(_runner.OpenSince(Key, State.Epoch));

    Task<IReadOnlyList<string>> INsmgrMonitorGrain.GetConnectionIds() =>
        Task.FromResult<IReadOnlyList<string>>(_registered.All.Order(StringComparer.Ordinal).ToArray());

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

    async Task<bool> INsmgrMonitorGrain.OnStreamSnapshot(long epoch, IReadOnlyList<StreamObservation> snapshot, bool afterLoss, DateTimeOffset receivedAt)
    {
        if (epoch != State.Epoch)
        {
            return false;
        }

        // A loop knows only its own losses; one reported by an earlier loop or activation counts the same.
        afterLoss |= State.LossOutstanding;
        if (State.LossOutstanding)
        {
            State.LossOutstanding = false;
            await StoreBestEffort("that the NSMgr is back");
        }

        MarkStreamOpen(afterLoss);
        _snapshots++;
        _lastDelivered.Clear();
        MonitorLog.StreamConnected(_logger, Key, epoch, snapshot.Count);

        // Level-triggered: a registered connection the NSMgr does not know is gone from the control plane.
        // Restore it (the same endpoint); a restore the NSMgr keeps rejecting escalates to a reselect.
        // Told first, so that the "NSMgr is back" below finds it healing and retries at once.
        var known = snapshot.Select(o => o.ConnectionId).ToHashSet(StringComparer.Ordinal);
        var missing = _registered.All.Where(id => !known.Contains(id)).ToList();
        if (missing.Count > 0)
        {
            MonitorLog.ReconcileMissing(_logger, Key, missing.Count);
            Tell(missing, events => events.OnMissingAtNsmgr(receivedAt), "missing from the NSMgr's snapshot");
        }

        if (afterLoss)
        {
            // The NSMgr answers again: everyone healing retries now instead of waiting out a long backoff,
            // and admission starts slow so the returning NSMgr is not flooded.
            GrainFactory.GetGrain<IHealAdmissionGrain>(Address).OnNsmgrReturned().Ignore();
            Tell([.. _registered.All], events => events.OnControlPlaneRestored(), "the NSMgr is back");
        }

        foreach (var observation in snapshot.Where(o => o.Kind is not null && _registered.Contains(o.ConnectionId)))
        {
            Deliver(observation);
        }

        // Beside event delivery, not before it: the loop pumps events as soon as this call returns.
        _audit.Start(snapshot, _registered.Contains, receivedAt);
        return true;
    }

    async Task<bool> INsmgrMonitorGrain.OnStreamLost(long epoch, string reason)
    {
        if (epoch != State.Epoch)
        {
            return false;
        }

        MarkStreamClosed(lost: true);
        _losses++;
        _lastDelivered.Clear();
        MonitorLog.StreamLost(_logger, Key, epoch, reason);
        Tell([.. _registered.All], events => events.OnControlPlaneLost(reason), "control plane lost");
        if (!State.LossOutstanding)
        {
            State.LossOutstanding = true;
            await StoreBestEffort("the stream loss");
        }

        return true;
    }

    /// <summary>The connections were told already; a failed write only narrows the fix to this activation.</summary>
    private async Task StoreBestEffort(string what)
    {
        try
        {
            await _writer.WriteAsync();
        }
        catch (Exception e)
        {
            MonitorLog.StateWriteFailed(_logger, Key, what, e.Message);
        }
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

    /// <summary>News about the NSMgr, told to its connections until each heard it or a newer snapshot replaced it.</summary>
    private void Tell(IReadOnlyCollection<string> connectionIds, Func<IConnectionEvents, Task> send, string what)
    {
        var snapshotNumber = _snapshots;
        _ = _broadcast.Send(connectionIds, id => send(GrainFactory.GetGrain<IConnectionEvents>(id)), what, () => _snapshots == snapshotNumber);
    }

    private Task EnsureStreamAsync(CancellationToken cancellationToken)
    {
        if (_registered.Count > 0 && !_runner.IsRunning(Key, State.Epoch) && OnItsNode())
        {
            _runner.Start(Key, State.Epoch);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A node-local NSMgr is read only from its own node: from any other, its socket path is another node's NSMgr (or
    /// none). Activated elsewhere while its node had no silo, the monitor holds its registrations and waits; once a silo
    /// of its node is active it moves there (placement picks that silo), checked on every sweep and membership change.
    /// </summary>
    private bool OnItsNode()
    {
        if (MonitorKey.NodeOf(Key) is not { } node || node == _localNode)
        {
            return true;
        }

        if (!_waitingForNode)
        {
            _waitingForNode = true;
            MonitorLog.WaitingForNode(_logger, Key, node);
        }

        if (_nodes.SilosOn(node).Length > 0)
        {
            this.MigrateOnIdle();
        }

        return false;
    }

    private void Deliver(StreamObservation observation)
    {
        if (!_registered.Contains(observation.ConnectionId))
        {
            _unmatched++;
            _metrics.MonitorEvents("unmatched", 1);
            MonitorLog.UnmatchedEvent(_logger, Key, observation.Kind?.ToString(), observation.ConnectionId);
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
}
