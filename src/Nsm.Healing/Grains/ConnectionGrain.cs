using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Api;
using Nsm.Healing.Admission;
using Nsm.Healing.Connections;
using Nsm.Healing.Decisions;
using Nsm.Healing.Hosting;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Namespaces;
using Nsm.Healing.Nsmgr;
using Nsm.Healing.Placement;
using Nsm.Healing.Requests;
using Nsm.Healing.Telemetry;
using Orleans.Concurrency;
using Orleans.Storage;
using static Nsm.Healing.Connections.ConnectionEffect;
using Input = Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Grains;

/// <summary>
/// One NSM connection, owned on the NSC's behalf: a shell around <see cref="ConnectionMachine"/>. Each interface method,
/// timer and reminder becomes an input; the grain feeds it to the machine under <see cref="WriterGate"/> and carries out
/// the effects the machine returns (NSMgr calls, storage, timers, reminder, admission, monitor, watchers, logs) until
/// the machine waits for nothing.
/// </summary>
/// <remarks>
/// Reentrant with a gate rather than turn-based: a Close must stop the NSMgr call in flight at once (it raises
/// <see cref="CloseSignal"/> before it waits), and reads and watches answer while a call is out. A turn-based grain could
/// let Close interleave, but Close would then have to wait for the writer's turn, and an interleaved call cannot queue
/// for one (the turn waits for every running call, Close among them).
/// </remarks>
[Reentrant]
[NodeLocalPlacement]
public sealed partial class ConnectionGrain(
    [PersistentState(ConnectionGrain.StateName, HealingStorage.Name)] IPersistentState<ConnectionState> state,
    INsmgrClient nsmgr,
    INscNamespaces namespaces,
    IOptions<NodeOptions> node,
    ClusterNodes nodes,
    NsmgrAddressAllowList allowedNsmgrs,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    JitterSource jitter,
    AdmissionReserves reserves,
    IClusterMembershipService membership,
    ILocalSiloDetails localSilo,
    IOptions<ConnectionGrainOptions> options,
    HealingMetrics metrics,
    ILogger<ConnectionGrain> logger) : Grain, IConnectionGrain, IConnectionEvents, IRemindable, IConnectionEnvironment
{
    // The monitor answers from memory on its silo; longer than this means it cannot answer soon.
    private static readonly TimeSpan MonitorQuestionTimeout = TimeSpan.FromMilliseconds(500);

    private readonly WriterGate _gate = new();
    private readonly CloseSignal _close = new();
    private readonly WatcherSet _watchers = new();
    private ConnectionMachine _machine = null!;
    // What readers see: the state as of the machine's last Publish, never one a write under way may still refuse.
    private ConnectionState _shown = null!;
    private IGrainTimer? _wakeup;
    // Set while a one-way input runs: a wakeup due now is taken in the same turn instead of through a timer.
    private bool _wakeInline;
    private bool _wakeupDueNow;
    private IGrainReminder? _backstop;
    private Task _backstopRegistration = Task.CompletedTask;
    // The NSMgr whose monitor this activation has registered with.
    private string? _monitoredAt;
    // The phase this activation is counted under in the nsm.connections metric.
    private ConnectionPhase _countedPhase;

    private string Id => this.GetPrimaryKeyString();

    DateTimeOffset IConnectionEnvironment.Now => time.GetUtcNow();

    string IConnectionEnvironment.LocalSilo => localSilo.SiloAddress.ToParsableString();

    string IConnectionEnvironment.LocalNode => node.Value.NodeName;

    bool IConnectionEnvironment.NodeHasSilo(string name) => nodes.SilosOn(name).Length > 0;

    double IConnectionEnvironment.NextJitter() => jitter.NextFraction();

    bool IConnectionEnvironment.SiloMayBeAlive(string silo) =>
        membership.CurrentSnapshot.GetSiloStatus(SiloAddress.FromParsableString(silo)) is not (SiloStatus.Dead or SiloStatus.None);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _machine = new ConnectionMachine(Id, state.State, this);
        _shown = _machine.State.Copy();
        CountPhase();
        // Resuming after a failover or a deactivation: pick up where the stored state left off.
        await Feed(new Input.Activated());
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.PhaseChanged(_countedPhase, ConnectionPhase.None);
        LeaveCensus();
        ReleaseNamespace();
        await SettleBackstopRegistration();
        _close.Dispose();
    }

    async Task<ConnectionSnapshot> IConnectionGrain.Request(ConnectionRequest request)
    {
        var prepared = InitialRequestValidator.Prepare(Id, request);
        allowedNsmgrs.Require(request.NsmgrAddress);
        // Every grain key and metric tag derived from the address uses its one canonical spelling.
        await Call(new Input.RequestAsked(NsmgrAddress.Canonicalize(request.NsmgrAddress), prepared, request.Policy, request.NodeName));
        return Snapshot();
    }

    async Task<ConnectionSnapshot> IConnectionGrain.Adopt(AdoptRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        allowedNsmgrs.Require(request.NsmgrAddress);
        request = request with { NsmgrAddress = NsmgrAddress.Canonicalize(request.NsmgrAddress) };
        (request.Policy ?? throw new ArgumentException("policy: must not be null", nameof(request))).Validate();
        var connection = request.Connection ?? throw new ArgumentException("connection: must not be null", nameof(request));
        InitialRequestValidator.RequireConnectionId(Id, connection.Id);
        InitialRequestValidator.RequireMechanismPreferences(request.MechanismPreferences.Count);
        InitialRequestValidator.RequireAdoptableText(connection);
        if (connection.Path is null || connection.Path.PathSegments.Count == 0)
        {
            throw new ArgumentException("connection.path: an adopted connection must carry the path the NSMgr returned", nameof(request));
        }

        var adopted = new NetworkServiceRequest
        {
            Connection = connection.Clone(),
            MechanismPreferences = { request.MechanismPreferences.Select(m => m.Clone()) },
        };
        await Call(new Input.AdoptAsked(request.NsmgrAddress, adopted, request.Policy));
        return Snapshot();
    }

    Task IConnectionGrain.Close() => CloseFor("closed by the NSC");

    Task IConnectionGrain.CloseByOperator() => CloseFor("closed by an operator");

    private async Task CloseFor(string reason)
    {
        // Close wins: stop the call in flight now rather than after its timeout.
        _close.Raise();
        await Call(new Input.CloseAsked(reason), lowerCloseSignal: true);
    }

    Task<ConnectionSnapshot> IConnectionGrain.GetState() => Task.FromResult(Snapshot());

    async IAsyncEnumerable<ConnectionSnapshot> IConnectionGrain.Watch([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = _watchers.Subscribe(Snapshot());
        if (_shown.Phase is ConnectionPhase.Closed or ConnectionPhase.Abandoned)
        {
            _watchers.CompleteAll();
        }

        try
        {
            // A watcher must not hold a stopping silo up (a pending read delays grain deactivation by seconds).
            var siloStopping = ServiceProvider.GetService<IHostApplicationLifetime>()?.ApplicationStopping ?? CancellationToken.None;
            await foreach (var snapshot in WatcherSet.ReadAsync(updates, siloStopping, cancellationToken))
            {
                yield return snapshot;
            }
        }
        finally
        {
            _watchers.Unsubscribe(updates);
        }
    }

    Task IConnectionGrain.ReportDataPlane(DataPlaneVerdict verdict, Connection? checkedConnection)
    {
        if (verdict is not (DataPlaneVerdict.Up or DataPlaneVerdict.Down))
        {
            throw new ArgumentException($"verdict: must be Up or Down (was {verdict})", nameof(verdict));
        }

        // Judged by the machine in turn: a heal in flight may replace the connection the verdict is about.
        return Call(new Input.DataPlaneReported(verdict, checkedConnection));
    }

    Task IConnectionGrain.HealNow() => Call(new Input.Triggered(HealTrigger.Operator));

    Task IConnectionGrain.ReselectNow() => Call(new Input.Triggered(HealTrigger.OperatorReselect));

    Task IConnectionGrain.Pause(string reason) => Call(new Input.PauseAsked(reason));

    Task IConnectionGrain.Resume() => Call(new Input.ResumeAsked());

    // The NSMgr's monitor waits for none of these (one-way): a heal they start begins in the same turn.
    Task IConnectionEvents.OnMonitorEvent(MonitorEvent monitorEvent)
    {
        var trigger = monitorEvent.Kind switch
        {
            MonitorEventKind.Down => HealTrigger.ConnectionDown,
            MonitorEventKind.Deleted => HealTrigger.ConnectionDeleted,
            MonitorEventKind.RefreshRequested => HealTrigger.RefreshRequested,
            _ => throw new ArgumentOutOfRangeException(nameof(monitorEvent), monitorEvent.Kind, "unknown monitor event kind"),
        };
        return Feed(new Input.Triggered(trigger, monitorEvent.Connection), wakeInline: true);
    }

    Task IConnectionEvents.OnControlPlaneLost(string reason) => Acknowledge(new Input.Triggered(HealTrigger.ControlPlaneLost));

    Task IConnectionEvents.OnMissingAtNsmgr(DateTimeOffset snapshotAt) => Acknowledge(new Input.MissingAtNsmgr(snapshotAt));

    Task IConnectionEvents.OnControlPlaneRestored() => Acknowledge(new Input.ControlPlaneRestored());

    // Activation (OnActivateAsync) already rescheduled whatever was due.
    Task IConnectionEvents.Wake() => Task.CompletedTask;

    Task IConnectionEvents.OnHealAdmitted() => Feed(new Input.HealAdmitted(), wakeInline: true);

    Task IConnectionEvents.OnNscNamespaceGone(string reason) => Feed(new Input.NscGone(reason));

    async Task<OrphanVerdict> IConnectionEvents.AuditOrphan(string nsmgrAddress, Connection seen)
    {
        await Feed(new Input.OrphanSuspected(nsmgrAddress, seen));
        return _machine.OrphanVerdict ?? OrphanVerdict.Owned;
    }

    Task IRemindable.ReceiveReminder(string reminderName, TickStatus status) =>
        reminderName == HealingStorage.BackstopReminder ? Feed(new Input.BackstopTick()) : Task.CompletedTask;

    /// <summary>
    /// An input the sender needs to know arrived, but must not wait for: answered once taken in, then fed in this
    /// activation's turn order as a one-way input is (the gate keeps the order of arrival).
    /// </summary>
    private Task Acknowledge(Input input)
    {
        _ = FeedLogged(input);
        return Task.CompletedTask;
    }

    private async Task FeedLogged(Input input)
    {
        try
        {
            await Feed(input, wakeInline: true);
        }
        catch (Exception e)
        {
            ConnectionGrainLog.InputFailed(logger, Id, input.GetType().Name, e);
        }
    }

    /// <summary>An input from a caller waiting for the outcome: a failure the machine reports reaches it.</summary>
    private async Task Call(Input input, bool lowerCloseSignal = false)
    {
        if (await Run(input, lowerCloseSignal) is { } failure)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>An input nobody waits for (one-way, timer, reminder): failures are in the log already.</summary>
    /// <param name="wakeInline">A wakeup it schedules for now runs at once, in this turn: nobody waits for the input,
    /// and a timer due at 0 would only add its scheduling delay to the heal. Not for activation and timers, which a
    /// heal attempt must not hold up.</param>
    private async Task Feed(Input input, bool wakeInline = false) => await Run(input, lowerCloseSignal: false, wakeInline);

    /// <summary>Feeds <paramref name="input"/> to the machine as the only writer and carries out its effects to the end.</summary>
    /// <returns>The failure the machine reported for the caller, if any.</returns>
    private async Task<Exception?> Run(Input input, bool lowerCloseSignal, bool wakeInline = false)
    {
        using var held = await _gate.Enter();
        _wakeInline = wakeInline;
        try
        {
            return await RunHeld(input, lowerCloseSignal);
        }
        finally
        {
            _wakeInline = false;
            if (_wakeupDueNow)
            {
                // Cut short by a throw: the wakeup still happens, through a timer.
                ScheduleWakeup(time.GetUtcNow());
            }
        }
    }

    private async Task<Exception?> RunHeld(Input input, bool lowerCloseSignal)
    {
        Exception? failure = null;
        var effects = _machine.Handle(input);
        while (effects.Count > 0 || _wakeupDueNow)
        {
            if (effects.Count == 0)
            {
                // The machine waits for nothing else: the wakeup it scheduled for now is its next input.
                _wakeupDueNow = false;
                effects = _machine.Handle(new Input.WakeupDue());
                continue;
            }

            Input? next = null;
            foreach (var effect in effects)
            {
                if (effect is Fail fail)
                {
                    failure ??= fail.Error;
                }

                next = await Carry(effect);
            }

            effects = next is null ? [] : _machine.Handle(next);
        }

        if (lowerCloseSignal)
        {
            _close.Lower();
        }

        return failure;
    }

    /// <summary>Carries out one effect; returns its outcome when the machine waits for one.</summary>
    private async Task<Input?> Carry(ConnectionEffect effect)
    {
        _gate.AssertHeld();
        switch (effect)
        {
            case SendRequest send:
                return await SendRequestAsync(send);
            case SendClose close:
                return await SendCloseAsync(close);
            case AskStreamOpenSince ask:
                return await StreamOpenSinceAsync(ask.NsmgrAddress);
            case FindHeld find:
                return await FindHeldAsync(find);
            case Persist persist:
                return await PersistAsync(persist.State);
            case TakeStandingPermit take:
                return new Input.StandingPermitTaken(reserves.TryTake(take.NsmgrAddress, PermitLease.Longest(_machine.State.Policy), out var holder) ? holder : null);
            case AskAdmission ask:
                return await AskAdmissionAsync(ask.NsmgrAddress);
            case Continue next:
                return next.Input;
            case ScheduleWakeup wakeup:
                ScheduleWakeup(wakeup.At);
                break;
            case StopWakeup:
                CancelWakeup();
                break;
            case EnsureBackstop { Alongside: true }:
                // A heal's first attempt does not wait for its reminder; the next reminder operation waits for it. One
                // registered (or being registered) already, e.g. left by the last heal until its next tick, is enough.
                if (_backstop is null && _backstopRegistration.IsCompleted)
                {
                    _backstopRegistration = RegisterBackstopAlongside();
                }

                break;
            case EnsureBackstop:
                await SettleBackstopRegistration();
                if (_backstop is null)
                {
                    await BestEffort("register the heal-backstop reminder", RegisterBackstop);
                }

                break;
            case DropBackstop:
                await BestEffort("unregister the heal-backstop reminder", UnregisterBackstop);
                break;
            case ReturnPermit permit:
                ReturnPermitTo(GrainFactory.GetGrain<IHealAdmissionGrain>(permit.NsmgrAddress), permit);
                break;
            case ReplenishStandingPermit replenish:
                reserves.Replenish(replenish.NsmgrAddress);
                break;
            case EnsureMonitored monitored:
                await EnsureMonitoredAt(monitored.NsmgrAddress);
                break;
            case StopMonitoring stop:
                await BestEffort("unregister from the NSMgr's monitor", () => MonitorOf(stop.NsmgrAddress).Unregister(Id));
                _monitoredAt = null;
                break;
            case HoldNamespace hold:
                HoldNamespace(hold.StatedUrl);
                break;
            case ConnectionEffect.ReleaseNamespace:
                ReleaseNamespace();
                break;
            case MoveHome:
                // Placement puts the next activation on the node's silo (NodeLocalPlacementDirector reads the stored node).
                this.MigrateOnIdle();
                break;
            case Publish:
                PublishSnapshot();
                break;
            case ReportLoop loop:
                ReportLoopToQuarantine(loop.Report);
                break;
            case EndWatches:
                _watchers.CompleteAll();
                break;
            case StandDown standDown:
                ConnectionGrainLog.StoodDown(logger, Id, standDown.Reason);
                DeactivateOnIdle();
                break;
            case Observe observe:
                ConnectionGrainLog.Report(logger, metrics, Id, observe.Note);
                break;
            case Answer or Fail:
                break;
            default:
                throw new InvalidOperationException($"no way to carry out {effect.GetType().Name}");
        }

        return null;
    }

    /// <summary>One NSMgr Request, cancelled by the NSC's Close; none leaves once the Close is signalled.</summary>
    private async Task<Input> SendRequestAsync(SendRequest send)
    {
        // The restore that re-teaches the NSMgr before a final Close is part of that Close: the Close does not stop it.
        var cancellable = send.Purpose != RequestPurpose.Relearn;
        if (cancellable && _close.IsRaised)
        {
            return NotSent();
        }

        try
        {
            var answer = await nsmgr.RequestAsync(send.NsmgrAddress, send.Request, NamespaceFor(send.Request), send.Timeout, cancellable ? _close.Token : CancellationToken.None);
            return new Input.RequestAnswered(answer.Connection, answer.TokenValidFor);
        }
        catch (Exception e)
        {
            return new Input.CallFailed(e, StatusOf(e), cancellable && _close.IsRaised);
        }
    }

    /// <summary>
    /// Only a shortcut: a monitor that cannot say at once (its silo died, it is activating, the call failed) says
    /// nothing, and the NSMgr is asked instead. Bounded, so that the shortcut never holds a heal up.
    /// </summary>
    private async Task<Input> StreamOpenSinceAsync(string nsmgrAddress)
    {
        try
        {
            return new Input.StreamOpenSince(await MonitorOf(nsmgrAddress).StreamOpenSince().WaitAsync(MonitorQuestionTimeout));
        }
        catch (Exception)
        {
            return new Input.StreamOpenSince(null);
        }
    }

    private async Task<Input> FindHeldAsync(FindHeld find)
    {
        if (_close.IsRaised)
        {
            return NotSent();
        }

        try
        {
            return new Input.HeldFound(await nsmgr.FindHeldAsync(find.NsmgrAddress, find.Ours, find.Timeout, _close.Token));
        }
        catch (Exception e)
        {
            return new Input.CallFailed(e, StatusOf(e), _close.IsRaised);
        }
    }

    /// <summary>A Close the NSC asked for, or one that undoes a Request, is sent whatever else happens.</summary>
    private async Task<Input?> SendCloseAsync(SendClose close)
    {
        var cancellable = close.Purpose == ClosePurpose.BeforeReselect;
        if (cancellable && _close.IsRaised)
        {
            return NotSent();
        }

        try
        {
            await nsmgr.CloseAsync(close.NsmgrAddress, close.Connection, NamespaceForClose(close.Connection), close.Timeout, cancellable ? _close.Token : CancellationToken.None);
            return close.FeedsBack ? new Input.CloseAnswered() : null;
        }
        catch (Exception e)
        {
            ConnectionGrainLog.CloseFailed(logger, Id, close.NsmgrAddress, e.Message);
            return close.FeedsBack ? new Input.CallFailed(e, StatusOf(e), cancellable && _close.IsRaised) : null;
        }
    }

    private static Input.CallFailed NotSent() =>
        new(new OperationCanceledException("the NSC closed the connection before the call left"), "NotSent", CancelledByClose: true);

    private static string StatusOf(Exception e) => (e as NsmRequestFailedException)?.StatusCode ?? "Unknown";

    private async Task<Input> PersistAsync(ConnectionState toStore)
    {
        state.State = toStore;
        try
        {
            await state.WriteStateAsync();
            return new Input.StorageWritten();
        }
        catch (Exception e)
        {
            return new Input.StorageFailed(e, Conflict: e is InconsistentStateException);
        }
    }

    private async Task<Input> AskAdmissionAsync(string address)
    {
        try
        {
            var decision = await GrainFactory.GetGrain<IHealAdmissionGrain>(address).TryAdmit(Id, PermitLease.Longest(_machine.State.Policy));
            return new Input.AdmissionAnswered(decision.Admitted, decision.RetryAfter);
        }
        catch (Exception e)
        {
            return new Input.AdmissionUnreachable(e.Message);
        }
    }

    private static void ReturnPermitTo(IHealAdmissionGrain admission, ReturnPermit permit)
    {
        var returned = permit.Reason switch
        {
            PermitReturn.Served => admission.Release(permit.Holder, nsmgrAnswered: true),
            PermitReturn.FailedAtNsmgr => admission.Release(permit.Holder, nsmgrAnswered: false),
            _ => admission.GiveBack(permit.Holder),
        };
        returned.Ignore();
    }

    private void ScheduleWakeup(DateTimeOffset at)
    {
        var dueIn = at - time.GetUtcNow();
        CancelWakeup();
        if (_wakeInline && dueIn <= TimeSpan.Zero)
        {
            _wakeupDueNow = true;
            return;
        }

        // A fresh one-shot timer each time: Change() from inside the timer's own callback is undone when it returns.
        _wakeup = this.RegisterGrainTimer(_ => Feed(new Input.WakeupDue()), new GrainTimerCreationOptions(dueIn < TimeSpan.Zero ? TimeSpan.Zero : dueIn, Timeout.InfiniteTimeSpan)
        {
            Interleave = true,
            // A scheduled heal or refresh must run even if nobody calls the grain meanwhile.
            KeepAlive = true,
        });
    }

    private void CancelWakeup()
    {
        _wakeup?.Dispose();
        _wakeup = null;
        _wakeupDueNow = false;
    }

    private async Task RegisterBackstop()
    {
        var period = options.Value.BackstopReminderPeriod;
        // Never due at once: a reminder due immediately may lose its first tick, and the timer covers the present.
        _backstop = await this.RegisterOrUpdateReminder(HealingStorage.BackstopReminder, period, period);
    }

    /// <summary>
    /// Registers once this turn yields (the claim's write is the next await): the registration's own work then overlaps
    /// that write instead of delaying it. The reminder is registered as early as before, while the attempt is in flight.
    /// </summary>
    private async Task RegisterBackstopAlongside()
    {
        await Task.Yield();
        await RegisterBackstop();
    }

    private async Task SettleBackstopRegistration()
    {
        var registering = _backstopRegistration;
        _backstopRegistration = Task.CompletedTask;
        try
        {
            await registering;
        }
        catch (Exception e)
        {
            _backstop = null;
            ConnectionGrainLog.BookkeepingFailed(logger, Id, "register the heal-backstop reminder", e.Message);
        }
    }

    private async Task UnregisterBackstop()
    {
        await SettleBackstopRegistration();
        // Our own registration's handle saves a read of the reminder table; an earlier activation's is looked up.
        var reminder = _backstop ?? await this.GetReminder(HealingStorage.BackstopReminder);
        if (reminder is not null)
        {
            await this.UnregisterReminder(reminder);
        }

        _backstop = null;
    }

    /// <summary>
    /// Registers with the NSMgr's monitor once per activation: the monitor keeps its registrations durably, and a storm
    /// would otherwise send thousands of messages to one grain. A new activation registers again, repairing any loss.
    /// </summary>
    private async Task EnsureMonitoredAt(string address)
    {
        if (_monitoredAt == address)
        {
            return;
        }

        await BestEffort("register with the NSMgr's monitor", async () =>
        {
            await MonitorOf(address).Register(Id);
            _monitoredAt = address;
        });
    }

    /// <summary>The monitor of this connection's NSMgr: the node's own for a node-local unix socket (see <see cref="MonitorKey"/>).</summary>
    private INsmgrMonitorGrain MonitorOf(string nsmgrAddress) =>
        GrainFactory.GetGrain<INsmgrMonitorGrain>(MonitorKey.For(nsmgrAddress, _machine.State.NodeName));

    /// <summary>Bookkeeping whose failure must not undo what the NSMgr already did; logged, repaired later.</summary>
    private async Task BestEffort(string what, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception e)
        {
            ConnectionGrainLog.BookkeepingFailed(logger, Id, what, e.Message);
        }
    }

    private ConnectionSnapshot Snapshot()
    {
        var current = _shown;
        var loop = ConnectionMachine.LoopStatus(current, time.GetUtcNow());
        return new ConnectionSnapshot
        {
            ConnectionId = Id,
            Phase = current.Phase,
            Reason = current.Reason,
            NsmgrAddress = current.NsmgrAddress,
            Connection = TokenRedaction.WithoutTokens(current.Connection),
            DataPlane = _machine.DataPlane,
            CurrentHeal = current.CurrentHeal,
            NextAttemptAt = current.NextAttemptAt,
            NextRefreshAt = current.RefreshDueAt,
            History = current.History.ToArray(),
            LoopCycles = loop.Cycles,
            Looping = loop.Looping,
            OperatorActions = current.OperatorActions.ToArray(),
            CloseForced = current.CloseForced,
        };
    }

    /// <summary>Tells watchers (and the phase metric) about a change.</summary>
    private void PublishSnapshot()
    {
        _shown = _machine.State.Copy();
        CountPhase();
        if (!_watchers.IsEmpty)
        {
            // A snapshot unpacks the connection: only worth it when someone watches.
            _watchers.Publish(Snapshot());
        }
    }

    private void CountPhase()
    {
        metrics.PhaseChanged(_countedPhase, _shown.Phase);
        _countedPhase = _shown.Phase;
        CountInCensus();
    }
}
