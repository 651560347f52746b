using Nsm.Api;
using Nsm.Healing.Connections;
using Nsm.Healing.Decisions;
using static Nsm.Healing.Connections.ConnectionEffect;
using static Nsm.Healing.Connections.ConnectionInput;

namespace Nsm.Healing.Tests.Machine;

/// <summary>How the NSMgr answers the next calls, until told otherwise.</summary>
public enum NsmgrBehaviour { Answers, Rejects, Unreachable, TimesOut }

/// <summary>How storage takes the next writes, until told otherwise.</summary>
public enum StorageBehaviour { Works, Fails, Conflicts }

/// <summary>Something the connection sent to the NSMgr, as the NSMgr saw it.</summary>
public sealed record SentCall(DateTimeOffset At, string What, string Endpoint, HealDecision? Decision, bool AfterClose);

/// <summary>
/// A fake effect runner: carries out <see cref="ConnectionMachine"/>'s effects against a modelled NSMgr, storage,
/// admission and clock, the way the grain does, and records what a test needs to check the invariants: every call
/// sent, every permit taken and handed back, the wakeup armed, what is stored.
/// </summary>
internal sealed class MachineRunner
{
    public const string Id = "conn-1";
    public const string Nsmgr = "tcp://127.0.0.1:5001";

    private int _nextEndpoint = 1;
    private int _nextReserve;
    private bool _closeArrivesDuringNextCall;
    private bool _closeRaised;
    private Func<ConnectionEffect, bool>? _crashAfter;
    private bool _crashed;

    // What the NSMgr last answered at each endpoint: what it holds there.
    private readonly Dictionary<string, Connection> _answers = new(StringComparer.Ordinal);

    public MachineRunner(HealPolicy policy)
    {
        Policy = policy;
        Machine = new ConnectionMachine(Id, Stored, Env);
    }

    public HealPolicy Policy { get; }

    public FakeEnvironment Env { get; } = new();

    public ConnectionMachine Machine { get; private set; }

    public ConnectionState Stored { get; private set; } = new();

    public NsmgrBehaviour NsmgrAnswers { get; set; }

    /// <summary>NSEs that died: a Request naming one is refused NotFound, as the NSMgr finds it no longer registered.</summary>
    public HashSet<string> DeadNses { get; } = new(StringComparer.Ordinal);

    /// <summary>How the NSMgr treats the next Requests and Closes, one per call, before <see cref="NsmgrAnswers"/> applies again.</summary>
    public Queue<NsmgrBehaviour> NextCalls { get; } = new();

    public StorageBehaviour Storage { get; set; }

    /// <summary>Outcomes for the next writes, one each, before <see cref="Storage"/> applies again.</summary>
    public Queue<StorageBehaviour> WriteOutcomes { get; set; } = new();

    /// <summary>Whether the admission has a free permit; when not, heals queue.</summary>
    public bool AdmissionFree { get; set; } = true;

    /// <summary>False: asking the admission fails, as when its silo died and it is not placed anew yet.</summary>
    public bool AdmissionReachable { get; set; } = true;

    /// <summary>Whether this silo holds a standing permit for the NSMgr.</summary>
    public bool StandingPermitOnHand { get; set; }

    /// <summary>The endpoints at which the NSMgr holds this connection: more than one is a duplicate.</summary>
    public HashSet<string> HeldAt { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The NSMgr restarted and forgot the connection while its NSE still holds it: its monitor shows nothing, and a Close
    /// succeeds and passes nothing on, until a Request teaches it the connection again.
    /// </summary>
    public bool NsmgrForgot
    {
        get => _nsmgrForgot;
        set
        {
            _nsmgrForgot = value;
            if (value)
            {
                // It restarted: its monitor stream broke and opened again.
                MonitorStreamOpenSince = Env.Now;
            }
        }
    }

    private bool _nsmgrForgot;

    /// <summary>Since when the NSMgr's monitor stream has been open without a break (while the NSMgr answers); null: unknown.</summary>
    public DateTimeOffset? MonitorStreamOpenSince { get; set; } = DateTimeOffset.MinValue;

    public DateTimeOffset? WakeupAt { get; private set; }

    /// <summary>Writes attempted, stored or not.</summary>
    public int Writes { get; private set; }

    public bool Backstop { get; private set; }

    public List<SentCall> Calls { get; } = [];

    public List<Exception> Failures { get; } = [];

    public List<string> Violations { get; } = [];

    /// <summary>Permits handed out and handed back, by holder (a connection's own name is granted once per heal).</summary>
    public Dictionary<string, int> Grants { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, int> Returns { get; } = new(StringComparer.Ordinal);

    public HashSet<string> Granted { get; } = new(StringComparer.Ordinal);

    public bool Queued { get; private set; }

    public int StandDowns { get; private set; }

    public bool ClosedByNsc { get; private set; }

    public List<PermitReturn> ReturnReasons { get; } = [];

    /// <summary>How long the token sent with each accepted Request is valid, as the client reports it; null: none sent.</summary>
    public TimeSpan? TokenValidFor { get; set; }

    /// <summary>Heal loops the machine reported to the cluster's quarantine.</summary>
    public List<Nsm.Healing.Custody.LoopReport> LoopReports { get; } = [];

    /// <summary>What the machine reported for logs and metrics, in order.</summary>
    public List<ConnectionNote> Notes { get; } = [];
    /// <summary>The NSC namespace the activation holds (the inodeURL it was told to hold), if any.</summary>
    public string? HeldNamespace { get; private set; }

    /// <summary>Each MoveHome the activation was asked to make, by node.</summary>
    public List<string> MovedHome { get; } = [];

    /// <summary>A runner whose connection is Up at the NSMgr under the default policy.</summary>
    public static MachineRunner ConnectedUp()
    {
        var runner = new MachineRunner(HealPolicy.Default);
        runner.Connect();
        Assert.Equal(ConnectionPhase.Up, runner.Machine.State.Phase);
        return runner;
    }

    /// <summary>A new activation of the stored state, as after a silo died or a migration: it starts with Activated.</summary>
    public void ActivateAnew()
    {
        Reactivate();
        SettleActivation();
    }

    /// <summary>The connection Up at the NSMgr under the NSC's first Request.</summary>
    /// <param name="nodeName">The NSC's node, as the client library states it; null: any silo.</param>
    public void Connect(string? nodeName = null, NetworkServiceRequest? request = null)
    {
        ClosedByNsc = false;
        Feed(new RequestAsked(Nsmgr, request ?? FirstRequest(), Policy, nodeName));
    }

    /// <summary>The NSC's Close, raised before its turn as the grain's signal is: a call in flight is cancelled.</summary>
    public void Close()
    {
        _closeRaised = true;
        Feed(new CloseAsked("closed by the NSC"));
        _closeRaised = false;
        // Only a Close that was stored is the end: one storage refused left the connection as it was, and said so.
        ClosedByNsc = Machine.State.Phase == ConnectionPhase.Closed;
    }

    /// <summary>
    /// The silo dies right after carrying out the first effect <paramref name="effect"/> matches (its outcome, e.g. an
    /// NSMgr's answer, is lost with it): what was stored stays, and a new activation on another silo takes over.
    /// </summary>
    public void CrashAfter(Func<ConnectionEffect, bool> effect) => _crashAfter = effect;

    /// <summary>The next call the connection makes is cut short by the NSC's Close, which then takes its turn.</summary>
    public void CloseDuringNextCall() => _closeArrivesDuringNextCall = true;

    /// <summary>The admission frees a permit for the queued heal and tells it (one-way).</summary>
    public void AdmissionGrants()
    {
        if (!Queued)
        {
            return;
        }

        Queued = false;
        Grant(Id);
        Feed(new HealAdmitted());
    }

    public void Advance(TimeSpan by) => Env.Now += by;

    /// <summary>Fires the wakeup if it is due.</summary>
    public void Tick()
    {
        if (WakeupAt is { } at && at <= Env.Now)
        {
            WakeupAt = null;
            Feed(new WakeupDue());
        }
    }

    /// <summary>Feeds one input and carries out every effect to the end, as the grain does under its gate.</summary>
    public void Feed(ConnectionInput input)
    {
        var effects = Machine.Handle(input);
        while (effects.Count > 0)
        {
            ConnectionInput? next = null;
            for (var i = 0; i < effects.Count; i++)
            {
                if (next is not null)
                {
                    Violations.Add($"{effects[i].GetType().Name} after an effect whose outcome the machine waits for");
                }

                next = Carry(effects[i]);
                if (_crashAfter?.Invoke(effects[i]) == true)
                {
                    Crash();
                    return;
                }
            }

            effects = next is null ? [] : Machine.Handle(next);
        }

        if (_pendingClose)
        {
            _pendingClose = false;
            Close();
        }
    }

    private bool _pendingClose;

    private void Crash()
    {
        _crashAfter = null;
        _crashed = true;
        Env.DeadSilos.Add(Env.LocalSilo);
        Env.LocalSilo = $"S127.0.0.1:11112:{Env.DeadSilos.Count}";
        Reactivate();
    }

    /// <summary>Whether a crash asked for with <see cref="CrashAfter"/> happened.</summary>
    public bool Crashed => _crashed;

    private ConnectionInput? Carry(ConnectionEffect effect)
    {
        switch (effect)
        {
            case SendRequest send:
                return Request(send);
            case SendClose close:
                return CloseAt(close);
            case AskStreamOpenSince:
                return new StreamOpenSince(NsmgrAnswers is NsmgrBehaviour.Answers or NsmgrBehaviour.Rejects ? MonitorStreamOpenSince : null);
            case FindHeld find:
                return FindHeldAt(find);
            case Persist persist:
                return Write(persist.State);
            case TakeStandingPermit:
                if (!StandingPermitOnHand)
                {
                    return new StandingPermitTaken(null);
                }

                StandingPermitOnHand = false;
                var holder = $"reserve/{++_nextReserve}";
                Grant(holder);
                return new StandingPermitTaken(holder);
            case AskAdmission:
                return Admit();
            case Continue next:
                return next.Input;
            case ScheduleWakeup wakeup:
                WakeupAt = wakeup.At;
                break;
            case StopWakeup:
                WakeupAt = null;
                break;
            case EnsureBackstop:
                Backstop = true;
                break;
            case DropBackstop:
                Backstop = false;
                break;
            case ReturnPermit permit:
                Return(permit);
                break;
            case StandDown:
                StandDowns++;
                Reactivate();
                break;
            case Fail fail:
                Failures.Add(fail.Error);
                break;
            case Observe observe:
                Notes.Add(observe.Note);
                break;
            case HoldNamespace hold:
                HeldNamespace = hold.StatedUrl;
                break;
            case ReleaseNamespace:
                HeldNamespace = null;
                break;
            case MoveHome move:
                MovedHome.Add(move.Node);
                break;
            case ReportLoop loop:
                LoopReports.Add(loop.Report);
                break;
            case ReplenishStandingPermit or EnsureMonitored or StopMonitoring or Publish or EndWatches or Answer:
                break;
            default:
                Violations.Add($"unknown effect {effect.GetType().Name}");
                break;
        }

        return null;
    }

    private ConnectionInput Request(SendRequest send)
    {
        var decision = send.Purpose == RequestPurpose.Heal
            ? send.Request.Connection.State == State.ReselectRequested ? HealDecision.Reselect : HealDecision.Restore
            : (HealDecision?)null;
        // The restore before a final Close belongs to that Close: the grain does not cancel it.
        if (send.Purpose != RequestPurpose.Relearn && (_closeRaised || Cut()))
        {
            return new CallFailed(new OperationCanceledException("closed"), "Cancelled", CancelledByClose: true);
        }

        var endpoint = (decision == HealDecision.Reselect && send.Request.Connection.NetworkServiceEndpointName.Length == 0) || send.Purpose == RequestPurpose.Initial
            ? $"nse-{_nextEndpoint++}"
            : send.Request.Connection.NetworkServiceEndpointName;
        Calls.Add(new SentCall(Env.Now, send.Purpose.ToString(), endpoint, decision, ClosedByNsc));
        if (DeadNses.Contains(endpoint))
        {
            return Failed("NotFound");
        }

        switch (NextCall())
        {
            case NsmgrBehaviour.Answers:
                if (send.Purpose == RequestPurpose.Initial)
                {
                    // A first Request for this id (again, after the NSC's Close or a heal that gave up) is the one it holds.
                    HeldAt.Clear();
                }

                if (send.Purpose != RequestPurpose.Heal || decision == HealDecision.Reselect)
                {
                    HeldAt.Add(endpoint);
                }

                NsmgrForgot = false;

                var answer = AnswerFor(send.Request, endpoint);
                _answers[endpoint] = answer.Clone();
                return new RequestAnswered(answer, TokenValidFor);
            case NsmgrBehaviour.Rejects:
                return Failed("NotFound");
            case NsmgrBehaviour.Unreachable:
                return Failed("Unavailable");
            default:
                return Failed("DeadlineExceeded");
        }
    }

    private ConnectionInput? CloseAt(SendClose close)
    {
        if (close.Purpose == ClosePurpose.BeforeReselect && (_closeRaised || Cut()))
        {
            return new CallFailed(new OperationCanceledException("closed"), "Cancelled", CancelledByClose: true);
        }

        Calls.Add(new SentCall(Env.Now, $"Close({close.Purpose})", close.Connection.NetworkServiceEndpointName, null, ClosedByNsc));
        var behaviour = NextCall();
        var answered = behaviour is NsmgrBehaviour.Answers or NsmgrBehaviour.Rejects;
        if (answered && !NsmgrForgot)
        {
            HeldAt.Remove(close.Connection.NetworkServiceEndpointName);
        }

        if (!close.FeedsBack)
        {
            return null;
        }

        return behaviour switch
        {
            NsmgrBehaviour.Answers => new CloseAnswered(),
            NsmgrBehaviour.Rejects => Failed("NotFound"),
            NsmgrBehaviour.Unreachable => Failed("Unavailable"),
            _ => Failed("DeadlineExceeded"),
        };
    }

    private NsmgrBehaviour NextCall() => NextCalls.TryDequeue(out var next) ? next : NsmgrAnswers;

    /// <summary>The NSMgr's monitor snapshot for this connection: where it holds it (the one place, but for a duplicate).</summary>
    private ConnectionInput FindHeldAt(FindHeld find)
    {
        if (_closeRaised || Cut())
        {
            return new CallFailed(new OperationCanceledException("closed"), "Cancelled", CancelledByClose: true);
        }

        Calls.Add(new SentCall(Env.Now, "FindHeld", find.Ours.NetworkServiceEndpointName, null, ClosedByNsc));
        return NsmgrAnswers switch
        {
            NsmgrBehaviour.Answers or NsmgrBehaviour.Rejects when NsmgrForgot => new HeldFound(null),
            NsmgrBehaviour.Answers or NsmgrBehaviour.Rejects =>
                new HeldFound(HeldAt.Select(endpoint => _answers.GetValueOrDefault(endpoint)?.Clone()).FirstOrDefault(held => held is not null)),
            NsmgrBehaviour.Unreachable => Failed("Unavailable"),
            _ => Failed("DeadlineExceeded"),
        };
    }

    /// <summary>A Close arriving mid-call: the call is cut and the Close takes its turn next.</summary>
    private bool Cut()
    {
        if (!_closeArrivesDuringNextCall)
        {
            return false;
        }

        _closeArrivesDuringNextCall = false;
        _pendingClose = true;
        return true;
    }

    private static CallFailed Failed(string status) => new(new NsmRequestFailedException(status, $"NSMgr: {status}"), status, CancelledByClose: false);

    private ConnectionInput Write(ConnectionState state)
    {
        Writes++;
        switch (WriteOutcomes.TryDequeue(out var next) ? next : Storage)
        {
            case StorageBehaviour.Works:
                Stored = state.Copy();
                return new StorageWritten();
            case StorageBehaviour.Fails:
                return new StorageFailed(new System.IO.IOException("storage unreachable"), Conflict: false);
            default:
                return new StorageFailed(new InvalidOperationException("ETag mismatch"), Conflict: true);
        }
    }

    private ConnectionInput Admit()
    {
        if (!AdmissionReachable)
        {
            return new AdmissionUnreachable("the admission's silo died");
        }

        if (Granted.Contains(Id))
        {
            return new AdmissionAnswered(true, TimeSpan.Zero);
        }

        if (AdmissionFree && !Queued)
        {
            Grant(Id);
            return new AdmissionAnswered(true, TimeSpan.Zero);
        }

        Queued = true;
        return new AdmissionAnswered(false, TimeSpan.FromSeconds(2));
    }

    private void Grant(string holder)
    {
        if (!Granted.Add(holder))
        {
            Violations.Add($"permit {holder} granted twice");
        }

        Grants[holder] = Grants.GetValueOrDefault(holder) + 1;
    }

    private void Return(ReturnPermit permit)
    {
        ReturnReasons.Add(permit.Reason);
        if (Granted.Remove(permit.Holder))
        {
            Returns[permit.Holder] = Returns.GetValueOrDefault(permit.Holder) + 1;
        }
        else if (permit.Holder == Id && Queued && permit.Reason is PermitReturn.Unused or PermitReturn.CancelledByClose)
        {
            Queued = false;
        }
        else
        {
            Violations.Add($"permit {permit.Holder} handed back ({permit.Reason}) but not held");
        }
    }

    /// <summary>The activation stood down: the next call finds the stored state in a new one. What the old one held
    /// at the admission runs out with its lease.</summary>
    private void Reactivate()
    {
        // Its lease runs out at the admission: counted as handed back.
        if (Granted.Remove(Id))
        {
            Returns[Id] = Returns.GetValueOrDefault(Id) + 1;
        }

        Queued = false;
        WakeupAt = null;
        Machine = new ConnectionMachine(Id, Stored, Env);
        _reactivated = true;
    }

    private bool _reactivated;

    /// <summary>Runs the new activation's start, if a stand-down made one.</summary>
    public void SettleActivation()
    {
        if (_reactivated)
        {
            _reactivated = false;
            Feed(new Activated());
        }
    }

    private Connection AnswerFor(NetworkServiceRequest request, string endpoint)
    {
        var answer = request.Connection.Clone();
        answer.NetworkServiceEndpointName = endpoint;
        answer.State = State.Up;
        answer.Path.PathSegments[^1].Name = endpoint;
        foreach (var segment in answer.Path.PathSegments)
        {
            segment.Expires = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(Env.Now + TimeSpan.FromMinutes(10));
        }

        return answer;
    }

    private static NetworkServiceRequest FirstRequest()
    {
        var request = TestRequests.LastGood();
        request.Connection.Id = Id;
        request.Connection.Path.PathSegments[0].Id = Id;
        return request;
    }
}
