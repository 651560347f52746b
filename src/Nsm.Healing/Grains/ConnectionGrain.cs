using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Hosting;
using Nsm.Api;
using Nsm.Healing.Admission;
using Nsm.Healing.Decisions;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Nsmgr;
using Nsm.Healing.Requests;
using Nsm.Healing.Telemetry;
using Orleans.Concurrency;

namespace Nsm.Healing.Grains;

/// <summary>
/// One NSM connection, owned on the NSC's behalf. A thin shell: it loads state, asks
/// <see cref="HealDecider"/> and <see cref="RetryPlanner"/> what to do, talks to the NSMgr, persists.
/// Reentrant so that state, watch and Close answer while a Request is in flight; <see cref="_gate"/>
/// keeps the single-writer rule: at most one Request or Close per connection at any time.
/// </summary>
[Reentrant]
public sealed partial class ConnectionGrain(
    [PersistentState("connection", HealingStorage.Name)] IPersistentState<ConnectionState> state,
    INsmgrClient nsmgr,
    NsmgrAddressAllowList allowedNsmgrs,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    JitterSource jitter,
    AdmissionReserves reserves,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IOptions<ConnectionGrainOptions> options,
    HealingMetrics metrics,
    ILogger<ConnectionGrain> logger) : Grain, IConnectionGrain, IConnectionEvents, IRemindable
{
    private const int HistoryLimit = 32;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly WatcherSet _watchers = new();
    private IGrainTimer? _wakeup;
    private IGrainReminder? _backstop;
    // The NSMgr whose monitor this activation has registered with.
    private string? _monitoredAt;
    private CancellationTokenSource? _inFlight;
    private bool _closeRequested;
    private static readonly TimeSpan SnapshotClockMargin = TimeSpan.FromSeconds(1);

    private DataPlaneVerdict _reportedDataPlane;
    private DateTimeOffset? _upSince;

    // The phase this activation is counted under in the nsm.connections metric.
    private ConnectionPhase _countedPhase;
    private DateTimeOffset? _dataPlaneReportedAt;

    private string Id => this.GetPrimaryKeyString();
    private ConnectionState State => state.State;
    private DateTimeOffset Now => time.GetUtcNow();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        CountPhase();
        // Resuming after a failover or a deactivation: pick up where the stored state left off.
        if (State.Phase == ConnectionPhase.Healing)
        {
            ScheduleWakeup(NextAttemptDue());
        }
        else if (State is { Phase: ConnectionPhase.Up, RefreshDueAt: { } refreshAt })
        {
            ScheduleWakeup(refreshAt);
        }

        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.PhaseChanged(_countedPhase, ConnectionPhase.None);
        await SettleBackstopRegistration();
    }

    async Task<ConnectionSnapshot> IConnectionGrain.Request(ConnectionRequest request)
    {
        var prepared = InitialRequestValidator.Prepare(Id, request);
        allowedNsmgrs.Require(request.NsmgrAddress);
        return await Exclusive(async () =>
        {
            if (IsOpen(State.Phase))
            {
                return AlreadyRegistered(request.NsmgrAddress, prepared.Connection.NetworkService);
            }

            _closeRequested = false;
            var phaseBefore = State.Phase;
            State.Phase = ConnectionPhase.Requesting;
            Publish();
            Connection answer;
            try
            {
                answer = await RequestAtNsmgr(request.NsmgrAddress, prepared, request.Policy.RequestTimeout);
            }
            catch (NsmRequestFailedException e)
            {
                ConnectionGrainLog.InitialRequestFailed(logger, Id, e.Message);
                if (NsmgrFailure.MayHaveTakenEffect(e.StatusCode))
                {
                    await CloseQuietly(request.NsmgrAddress, prepared.Connection, request.Policy);
                }

                State.Phase = phaseBefore;
                Publish();
                throw;
            }

            state.State = new ConnectionState
            {
                Phase = ConnectionPhase.Up,
                NsmgrAddress = request.NsmgrAddress,
                Policy = request.Policy,
                LastGoodRequest = HealRequests.WithAnswer(prepared, answer),
                History = State.History,
            };
            await BecomeUp();
            return Snapshot();
        });
    }

    async Task<ConnectionSnapshot> IConnectionGrain.Adopt(AdoptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        NsmgrAddress.Parse(request.NsmgrAddress);
        allowedNsmgrs.Require(request.NsmgrAddress);
        (request.Policy ?? throw new ArgumentException("policy: must not be null", nameof(request))).Validate();
        var connection = request.Connection ?? throw new ArgumentException("connection: must not be null", nameof(request));
        InitialRequestValidator.RequireConnectionId(Id, connection.Id);
        InitialRequestValidator.RequireMechanismPreferences(request.MechanismPreferences.Count);
        InitialRequestValidator.RequireAdoptableText(connection);
        if (connection.Path is null || connection.Path.PathSegments.Count == 0)
        {
            throw new ArgumentException("connection.path: an adopted connection must carry the path the NSMgr returned", nameof(request));
        }

        return await Exclusive(async () =>
        {
            if (IsOpen(State.Phase))
            {
                return AlreadyRegistered(request.NsmgrAddress, connection.NetworkService);
            }

            _closeRequested = false;
            state.State = new ConnectionState
            {
                Phase = ConnectionPhase.Up,
                NsmgrAddress = request.NsmgrAddress,
                Policy = request.Policy,
                LastGoodRequest = new NetworkServiceRequest
                {
                    Connection = connection.Clone(),
                    MechanismPreferences = { request.MechanismPreferences.Select(m => m.Clone()) },
                },
                History = State.History,
            };
            await BecomeUp();
            return Snapshot();
        });
    }

    async Task IConnectionGrain.Close()
    {
        // Close wins: stop the Request in flight now rather than after its timeout.
        _closeRequested = true;
        _inFlight?.Cancel();
        await Exclusive(async () =>
        {
            if (State.Phase is ConnectionPhase.None or ConnectionPhase.Closed)
            {
                _watchers.CompleteAll();
                return;
            }

            State.Phase = ConnectionPhase.Closing;
            Publish();
            StopWakeup();
            await UnregisterBackstop();
            if (State.CurrentHeal is { } heal)
            {
                var cancelled = heal with { Outcome = HealOutcome.Cancelled, EndedAt = Now, Detail = "closed while healing" };
                AppendHistory(cancelled);
                metrics.HealEnded(cancelled);
            }

            if (State.Connection is { } connection && State.NsmgrAddress is { } address)
            {
                await CloseQuietly(address, connection, State.Policy);
                await GrainFactory.GetGrain<INsmgrMonitorGrain>(address).Unregister(Id);
                _monitoredAt = null;
            }

            State.Phase = ConnectionPhase.Closed;
            State.Reason = "closed by the NSC";
            ClearHealProgress();
            State.RefreshDueAt = null;
            State.TriggerWhilePaused = null;
            await Persist();
            ConnectionGrainLog.ConnectionClosed(logger, Id);
            Publish();
            // No DeactivateOnIdle: watchers still have to read the end of their stream; idle collection reclaims the grain.
            _watchers.CompleteAll();
        });
    }

    Task<ConnectionSnapshot> IConnectionGrain.GetState() => Task.FromResult(Snapshot());

    async IAsyncEnumerable<ConnectionSnapshot> IConnectionGrain.Watch([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = _watchers.Subscribe(Snapshot());
        if (State.Phase == ConnectionPhase.Closed)
        {
            _watchers.CompleteAll();
        }

        try
        {
            await foreach (var snapshot in updates.ReadAllAsync(cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            _watchers.Unsubscribe(updates);
        }
    }

    async Task IConnectionGrain.ReportDataPlane(DataPlaneVerdict verdict, Connection? checkedConnection)
    {
        if (verdict is not (DataPlaneVerdict.Up or DataPlaneVerdict.Down))
        {
            throw new ArgumentException($"verdict: must be Up or Down (was {verdict})", nameof(verdict));
        }

        // Judged inside the gate: a heal in flight may replace the connection the verdict is about.
        await Exclusive(async () =>
        {
            if (checkedConnection is not null && !MonitorEventRelevance.IsAboutCurrent(State.Connection, checkedConnection))
            {
                ConnectionGrainLog.StaleDataPlaneVerdict(logger, Id, verdict, checkedConnection.NetworkServiceEndpointName);
                return;
            }

            var changed = verdict != _reportedDataPlane;
            _reportedDataPlane = verdict;
            _dataPlaneReportedAt = Now;
            if (verdict == DataPlaneVerdict.Down)
            {
                // Every Down, not only a change: a connection left Up on a dead vWire (e.g. a restore finished
                // meanwhile) must still move when the NSC says so again.
                await ActOnTrigger(HealTrigger.DataPlaneDown);
            }
            else if (changed)
            {
                Publish();
            }
        });
    }

    // While healing, the decider answers Operator with the heal's decision, which attempts now: the backoff resets.
    async Task IConnectionGrain.HealNow() => await HandleTrigger(HealTrigger.Operator);

    async Task IConnectionGrain.Pause(string reason) => await Exclusive(async () =>
    {
        if (!IsOpen(State.Phase) || State.Phase == ConnectionPhase.Paused)
        {
            return;
        }

        StopWakeup();
        await UnregisterBackstop();
        State.Phase = ConnectionPhase.Paused;
        State.Reason = string.IsNullOrWhiteSpace(reason) ? "paused by an operator" : reason;
        State.NextAttemptAt = null;
        await Persist();
        Publish();
    });

    async Task IConnectionGrain.Resume()
    {
        var pendingTrigger = await Exclusive(async () =>
        {
            if (State.Phase != ConnectionPhase.Paused)
            {
                return (HealTrigger?)null;
            }

            var trigger = PausedTriggers.AtResume(State.TriggerWhilePaused, EffectiveDataPlane());
            State.TriggerWhilePaused = null;
            State.Reason = null;
            if (State.CurrentHeal is not null)
            {
                State.Phase = ConnectionPhase.Healing;
                await RegisterBackstop();
                await ScheduleAttempt(Now);
            }
            else
            {
                await BecomeUp();
            }

            return trigger;
        });

        if (pendingTrigger is { } missed)
        {
            await HandleTrigger(missed);
        }
    }

    /// <summary>Runs <paramref name="action"/> as the only writer of this connection.</summary>
    private async Task<T> Exclusive<T>(Func<Task<T>> action)
    {
        await _gate.WaitAsync();
        try
        {
            return await action();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task Exclusive(Func<Task> action) => Exclusive(async () =>
    {
        await action();
        return true;
    });

    private static bool IsOpen(ConnectionPhase phase) =>
        phase is ConnectionPhase.Requesting or ConnectionPhase.Up or ConnectionPhase.Healing or ConnectionPhase.Paused;

    /// <summary>A repeated Request from the same NSC (e.g. after it restarted) gets the connection it already has.</summary>
    private ConnectionSnapshot AlreadyRegistered(string nsmgrAddress, string networkService)
    {
        if (State.NsmgrAddress == nsmgrAddress && State.Connection?.NetworkService == networkService)
        {
            return Snapshot();
        }

        throw new InvalidOperationException(
            $"connection '{Id}' is already registered ({State.Phase}) for network service '{State.Connection?.NetworkService}' " +
            $"at NSMgr {State.NsmgrAddress}; close it before requesting it again elsewhere");
    }

    private DataPlaneVerdict EffectiveDataPlane() =>
        DataPlaneKnowledge.Effective(_reportedDataPlane, _dataPlaneReportedAt, Now, State.Policy.DataPlaneVerdictLifetime);

    private ConnectionSnapshot Snapshot() => new()
    {
        ConnectionId = Id,
        Phase = State.Phase,
        Reason = State.Reason,
        NsmgrAddress = State.NsmgrAddress,
        Connection = SecretRedaction.WithoutTokens(State.Connection),
        DataPlane = EffectiveDataPlane(),
        CurrentHeal = State.CurrentHeal,
        NextAttemptAt = State.NextAttemptAt,
        NextRefreshAt = State.RefreshDueAt,
        History = State.History.ToArray(),
    };

    /// <summary>Tells watchers (and the phase metric) about a change. Every state change ends here.</summary>
    private void Publish()
    {
        CountPhase();
        if (!_watchers.IsEmpty)
        {
            // A snapshot unpacks the connection: only worth it when someone watches.
            _watchers.Publish(Snapshot());
        }
    }

    private void CountPhase()
    {
        metrics.PhaseChanged(_countedPhase, State.Phase);
        _countedPhase = State.Phase;
    }

    private void AppendHistory(HealRecord record)
    {
        State.History.Add(record);
        if (State.History.Count > HistoryLimit)
        {
            State.History.RemoveRange(0, State.History.Count - HistoryLimit);
        }
    }

    private void ClearHealProgress()
    {
        State.CurrentHeal = null;
        State.RejectedRestores = 0;
        State.FirstRestoreRejectionAt = null;
        State.OldConnectionClosed = false;
        State.NextAttemptAt = null;
        State.AttemptStartedAt = null;
        State.AttemptSilo = null;
    }
}
