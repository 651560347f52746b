namespace Nsm.Healing.DurabilityTests.Chaos;

/// <summary>
/// Draws a schedule from one <see cref="Random"/>: faults spaced by random gaps, each with its recovery, under the rules
/// that keep the world able to heal (a ready silo, a live forwarder and NSE on every node, no silo joining while Redis is
/// down), every kind of fault at least once while time allows, and every recovery by the end.
/// </summary>
internal sealed class ChaosSchedulePlanner
{
    private static readonly (double Min, double Max) GapSeconds = (0.6, 2.0);
    private static readonly (double Min, double Max) SiloDownSeconds = (1, 5);
    private static readonly (double Min, double Max) RedisDownSeconds = (0.5, 2);
    private static readonly (double Min, double Max) NsmgrDownSeconds = (0.3, 3);
    private static readonly (double Min, double Max) ForwarderDownSeconds = (1, 5);
    private static readonly (double Min, double Max) RequestFaultSeconds = (2, 6);
    private static readonly (double Min, double Max) FailureProbability = (0.2, 0.6);

    // A restarted silo takes 4–7 s to join on 2 cores: it counts as ready only this long after its start.
    private static readonly TimeSpan SiloReadyAllowance = TimeSpan.FromSeconds(8);

    // Redis answers again a moment before the silos' connections to it have reconnected.
    private static readonly TimeSpan RedisSettle = TimeSpan.FromSeconds(1);

    // One Redis outage stalls every grain write; more than one in a short window measures nothing new.
    private static readonly TimeSpan RedisSpacing = TimeSpan.FromSeconds(15);

    private const int MaxBreaksPerStep = 8;
    private const int MaxClosesPerStep = 2;

    private static readonly (FaultKind Kind, int Weight)[] Weights =
    [
        (FaultKind.SiloKill, 2), (FaultKind.RedisRestart, 1), (FaultKind.NsmgrRestart, 2), (FaultKind.ForwarderKill, 2),
        (FaultKind.NseKill, 1), (FaultKind.DataPlaneBreak, 3), (FaultKind.RequestFailures, 2), (FaultKind.RequestLatency, 2),
        (FaultKind.NscClose, 1),
    ];

    private readonly Random _random;
    private readonly TimeSpan _duration;
    private readonly ChaosTopology _topology;
    private readonly List<ChaosStep> _steps = [];
    private readonly HashSet<FaultKind> _covered = [];
    private readonly TimeSpan[] _siloReadyAt;
    private readonly Dictionary<string, TimeSpan> _nsmgrBackAt = [];
    private readonly Dictionary<string, TimeSpan> _failingUntil = [];
    private readonly Dictionary<string, TimeSpan> _slowUntil = [];
    private readonly Dictionary<string, TimeSpan> _forwarderBackAt = [];
    private readonly Dictionary<string, List<string>> _aliveNses = [];
    private readonly SortedSet<int> _open;
    private TimeSpan _redisBackAt;
    private TimeSpan? _lastRedisRestart;
    private int _closeBudget;
    private int _replacements;

    public ChaosSchedulePlanner(Random random, TimeSpan duration, ChaosTopology topology)
    {
        _random = random;
        _duration = duration;
        _topology = topology;
        _siloReadyAt = new TimeSpan[topology.Silos];
        foreach (var node in topology.Nodes)
        {
            _nsmgrBackAt[node.Nsmgr] = _failingUntil[node.Nsmgr] = _slowUntil[node.Nsmgr] = TimeSpan.Zero;
            node.Forwarders.ToList().ForEach(forwarder => _forwarderBackAt[forwarder] = TimeSpan.Zero);
            _aliveNses[node.Name] = [.. node.Nses.Select(nse => nse.Name)];
        }

        _open = [.. Enumerable.Range(0, topology.Connections)];
        // A few closes: enough to check that a closed connection stays closed, few enough to leave most to heal.
        _closeBudget = Math.Max(1, topology.Connections / 40);
    }

    private enum FaultKind
    {
        SiloKill,
        RedisRestart,
        NsmgrRestart,
        ForwarderKill,
        NseKill,
        DataPlaneBreak,
        RequestFailures,
        RequestLatency,
        NscClose,
    }

    public IReadOnlyList<ChaosStep> Plan()
    {
        var now = TimeSpan.Zero;
        while (true)
        {
            now += Seconds(GapSeconds);
            if (now >= _duration)
            {
                break;
            }

            var allowed = Weights.Where(w => IsAllowed(w.Kind, now)).ToList();
            if (allowed.Count == 0)
            {
                continue;
            }

            var uncovered = allowed.Where(w => !_covered.Contains(w.Kind)).ToList();
            var kind = uncovered.Count > 0 ? uncovered[_random.Next(uncovered.Count)].Kind : Weighted(allowed);
            _covered.Add(kind);
            Emit(kind, now);
        }

        return [.. _steps.OrderBy(step => step.At)];
    }

    private bool IsAllowed(FaultKind kind, TimeSpan now) => kind switch
    {
        // At least one other silo stays ready, and the killed one can be back (after any Redis outage) by the end. A Redis
        // restart needs every silo ready, which silo kills can keep from happening in a short run: it goes first.
        FaultKind.SiloKill => ReadySlots(now).Count >= 2 && Later(_redisBackAt, now + TimeSpan.FromSeconds(SiloDownSeconds.Min)) <= _duration
            && (_covered.Contains(FaultKind.RedisRestart) || !RedisRestartFits(now)),
        FaultKind.RedisRestart => ReadySlots(now).Count == _topology.Silos && now >= _redisBackAt
            && (_lastRedisRestart is not { } last || now - last >= RedisSpacing) && RedisRestartFits(now),
        FaultKind.NsmgrRestart => _nsmgrBackAt.Values.Any(back => back <= now),
        FaultKind.ForwarderKill => _topology.Nodes.Any(node => AliveForwarders(node.Forwarders, now).Count >= 2),
        FaultKind.NseKill => true,
        FaultKind.DataPlaneBreak => _open.Count > 0,
        FaultKind.RequestFailures => _failingUntil.Values.Any(until => until <= now),
        FaultKind.RequestLatency => _slowUntil.Values.Any(until => until <= now),
        FaultKind.NscClose => _closeBudget > 0 && _open.Count > 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private void Emit(FaultKind kind, TimeSpan now)
    {
        switch (kind)
        {
            case FaultKind.SiloKill:
                var slot = Pick(ReadySlots(now));
                var start = Earliest(Later(now + Seconds(SiloDownSeconds), _redisBackAt));
                _steps.Add(new KillSilo(now, slot));
                _steps.Add(new StartSilo(start, slot));
                _siloReadyAt[slot] = start + SiloReadyAllowance;
                break;
            case FaultKind.RedisRestart:
                var redisDown = Seconds(RedisDownSeconds);
                _steps.Add(new RestartRedis(now, redisDown));
                _redisBackAt = now + redisDown + RedisSettle;
                _lastRedisRestart = now;
                break;
            case FaultKind.NsmgrRestart:
                var nsmgr = Pick(_nsmgrBackAt.Where(n => n.Value <= now).Select(n => n.Key).ToList());
                var nsmgrDown = Earliest(now + Seconds(NsmgrDownSeconds)) - now;
                _steps.Add(new RestartNsmgr(now, nsmgr, nsmgrDown));
                _nsmgrBackAt[nsmgr] = now + nsmgrDown;
                break;
            case FaultKind.ForwarderKill:
                var node = Pick(_topology.Nodes.Where(n => AliveForwarders(n.Forwarders, now).Count >= 2).ToList());
                var forwarder = Pick(AliveForwarders(node.Forwarders, now));
                var back = Earliest(now + Seconds(ForwarderDownSeconds));
                _steps.Add(new KillForwarder(now, forwarder));
                _steps.Add(new RestartForwarder(back, forwarder));
                _forwarderBackAt[forwarder] = back;
                break;
            case FaultKind.NseKill:
                var nses = _aliveNses[Pick(_topology.Nodes).Name];
                var nse = Pick(nses);
                var replacement = $"nse-r{++_replacements}";
                nses[nses.IndexOf(nse)] = replacement;
                _steps.Add(new KillNse(now, nse, replacement));
                break;
            case FaultKind.DataPlaneBreak:
                _steps.Add(new BreakDataPlanes(now, PickConnections(_random.Next(1, MaxBreaksPerStep + 1))));
                break;
            case FaultKind.RequestFailures:
                var failing = Pick(_failingUntil.Where(n => n.Value <= now).Select(n => n.Key).ToList());
                var failuresEnd = Earliest(now + Seconds(RequestFaultSeconds));
                _steps.Add(new FailRequests(now, failing, Math.Round(Between(FailureProbability), 2), _random.Next()));
                _steps.Add(new FailRequests(failuresEnd, failing, 0, 0));
                _failingUntil[failing] = failuresEnd;
                break;
            case FaultKind.RequestLatency:
                var slow = Pick(_slowUntil.Where(n => n.Value <= now).Select(n => n.Key).ToList());
                var latencyEnd = Earliest(now + Seconds(RequestFaultSeconds));
                _steps.Add(new DelayRequests(now, slow, TimeSpan.FromMilliseconds(10 * _random.Next(5, 81))));
                _steps.Add(new DelayRequests(latencyEnd, slow, TimeSpan.Zero));
                _slowUntil[slow] = latencyEnd;
                break;
            case FaultKind.NscClose:
                var closing = PickConnections(Math.Min(_random.Next(1, MaxClosesPerStep + 1), Math.Min(_closeBudget, _open.Count - 1)));
                _open.ExceptWith(closing);
                _closeBudget -= closing.Count;
                _steps.Add(new CloseConnections(now, closing));
                break;
        }
    }

    private bool RedisRestartFits(TimeSpan now) => now + TimeSpan.FromSeconds(RedisDownSeconds.Max) + RedisSettle <= _duration;

    private List<int> ReadySlots(TimeSpan now) => [.. Enumerable.Range(0, _siloReadyAt.Length).Where(slot => _siloReadyAt[slot] <= now)];

    private List<string> AliveForwarders(IEnumerable<string> forwarders, TimeSpan now) => [.. forwarders.Where(f => _forwarderBackAt[f] <= now)];

    /// <summary>Distinct connections still open, in ascending order.</summary>
    private List<int> PickConnections(int count)
    {
        var open = _open.ToList();
        var picked = new SortedSet<int>();
        while (picked.Count < Math.Min(count, open.Count))
        {
            picked.Add(open[_random.Next(open.Count)]);
        }

        return [.. picked];
    }

    private FaultKind Weighted(List<(FaultKind Kind, int Weight)> allowed)
    {
        var draw = _random.Next(allowed.Sum(w => w.Weight));
        foreach (var (kind, weight) in allowed)
        {
            if (draw < weight)
            {
                return kind;
            }

            draw -= weight;
        }

        throw new InvalidOperationException("unreachable: the draw is below the total weight");
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private double Between((double Min, double Max) range) => range.Min + (_random.NextDouble() * (range.Max - range.Min));

    /// <summary>A random span in the range, whole milliseconds so the printed schedule reads back exactly.</summary>
    private TimeSpan Seconds((double Min, double Max) range) => TimeSpan.FromMilliseconds(Math.Round(Between(range) * 1000));

    /// <summary>Recoveries happen by the end of the run at the latest: after it, the faults have stopped.</summary>
    private TimeSpan Earliest(TimeSpan at) => at < _duration ? at : _duration;

    private static TimeSpan Later(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
