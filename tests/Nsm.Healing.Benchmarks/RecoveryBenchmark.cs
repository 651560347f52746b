using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using Nsm.Healing.Admission;
using Nsm.Healing.Hosting;
using Nsm.Healing.LocalProcesses;
using Nsm.Healing.Monitoring;
using Orleans.Runtime;

namespace Nsm.Healing.Benchmarks;

/// <summary>
/// One round: times from the SIGKILL, in ms (NaN when the round gave up waiting), what the killed silo held, and what
/// the simulator saw go wrong.
/// </summary>
/// <param name="OrphanedHeals">Heals in flight on the killed silo: the ones that must resume elsewhere.</param>
/// <param name="KilledAdmission">The killed silo also held the NSMgr's heal admission grain.</param>
/// <param name="KilledMonitor">The killed silo also held the NSMgr's monitor grain.</param>
/// <param name="Lost">Connections not Up in their grain, or not wired and up at the simulator as the grain says.</param>
/// <param name="ExtraReselects">Reselects the NSMgr accepted beyond one per heal in flight (a heal done twice).</param>
/// <param name="OverlappingCalls">Connections that ever had two calls in flight at the NSMgr at once.</param>
public sealed record RecoveryRound(
    int Round,
    string KilledSilo,
    int OrphanedHeals,
    bool KilledAdmission,
    bool KilledMonitor,
    double DeclaredDeadMs,
    double FirstOrphanedAcceptedMs,
    double AllOrphanedAcceptedMs,
    double AllUpMs,
    int Duplicates,
    int Lost,
    int ExtraReselects,
    int OverlappingCalls,
    double SetUpSeconds);

/// <summary>The rounds of one <c>Nsm:Connections:BackstopReminderPeriod</c>, with the order statistics of each time.</summary>
/// <param name="LastResumedAfterDeclaredDead">All orphaned heals accepted minus declared dead: the wait that is not detection.</param>
public sealed record RecoveryResult(
    TimeSpan BackstopReminderPeriod,
    bool ProductionDefault,
    int Silos,
    int Connections,
    int HealsInFlight,
    Distribution DeclaredDead,
    Distribution FirstOrphanedAccepted,
    Distribution AllOrphanedAccepted,
    Distribution AllUp,
    Distribution LastResumedAfterDeclaredDead,
    IReadOnlyList<RecoveryRound> Rounds);

/// <summary>
/// Recovery after a silo crash, on the Redis profile with real processes: N connections registered on 3 silos, a
/// subset of them reselecting against a held NSMgr, then the silo hosting most of those heals is killed with SIGKILL
/// and the NSMgr released. Timed from the kill: the death declared by the cluster, the first and the last orphaned
/// heal accepted by the NSMgr (the simulator's own timestamps, so no call of ours is what resumes them), and every
/// connection read Up. Once with the production default backstop reminder period and once with a short one.
/// </summary>
public static class RecoveryBenchmark
{
    public const int Silos = 3;

    /// <summary>What an operator who wants recovery in seconds would set (the durability tests and the demo use it).</summary>
    public static readonly TimeSpan ShortBackstopReminderPeriod = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan DeclaredDeadTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan AllUpTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StateCallTimeout = TimeSpan.FromSeconds(5);

    public static async Task<IReadOnlyList<RecoveryResult>> RunAsync(int connections, int healsInFlight, int rounds, TextWriter log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(healsInFlight, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(healsInFlight, connections);
        ArgumentOutOfRangeException.ThrowIfLessThan(rounds, 1);

        // Null: the silos get no setting at all, so what is measured is the default they ship with.
        TimeSpan?[] periods = [null, ShortBackstopReminderPeriod];
        var runs = periods.Select(period => (Period: period, Rounds: new List<RecoveryRound>())).ToList();
        await using var redis = await RedisServer.StartAsync();
        for (var round = 1; round <= rounds; round++)
        {
            // Interleaved, so a machine that slows down during the run does not favour one period.
            foreach (var (period, done) in runs)
            {
                done.Add(await RoundAsync(redis, round, connections, healsInFlight, period, log));
            }
        }

        return [.. runs.Select(run => Summarize(run.Period, connections, healsInFlight, run.Rounds))];
    }

    private static async Task<RecoveryRound> RoundAsync(RedisServer redis, int round, int connections, int healsInFlight, TimeSpan? period, TextWriter log)
    {
        var label = $"backstop {Describe(period ?? DefaultPeriod)}, round {round}";
        var setUp = Stopwatch.StartNew();
        await using var cluster = await RecoveryCluster.StartAsync(redis, Silos, period);
        try
        {
            var sim = cluster.Simulator;
            var ids = Enumerable.Range(0, connections).Select(i => $"recovery-{i:D4}").ToArray();
            await RegisterAsync(cluster, ids);
            var healing = ids.Take(healsInFlight).ToArray();
            HeldNsmgr.Hold(sim);
            await HeldNsmgr.StartReselectsAsync(cluster.Client, sim, healing);
            await HeldNsmgr.WaitUntilRetryingAsync(sim, healing);
            var victim = await VictimAsync(cluster, healing);
            setUp.Stop();

            var killedAt = TimeProvider.System.GetUtcNow();
            await victim.Silo.KillAsync();
            // The NSMgr recovers at once: heals on the survivors complete while the dead silo is still a member.
            HeldNsmgr.Release(sim);
            await Eventually.True(() => cluster.IsDeclaredDeadAsync(victim.Silo), $"the cluster to declare {victim.Silo.Name} dead", DeclaredDeadTimeout, poll: TimeSpan.FromMilliseconds(10));
            var declaredDead = Since(killedAt);

            // Judged at the NSMgr, without calling a grain: a call would reactivate the orphaned heal itself.
            var resumeTimeout = (2 * (period ?? DefaultPeriod)) + TimeSpan.FromSeconds(60);
            var allResumed = await Within(() => HealsInFlight.ReselectsAcceptedSince(sim, victim.Heals, killedAt).Count == victim.Heals.Count,
                "every orphaned heal accepted by the NSMgr", resumeTimeout, log);
            var accepted = HealsInFlight.ReselectsAcceptedSince(sim, victim.Heals, killedAt).Values.ToList();
            var firstAccepted = accepted.Count > 0 ? (accepted.Min() - killedAt).TotalMilliseconds : double.NaN;
            var allAccepted = allResumed ? (accepted.Max() - killedAt).TotalMilliseconds : double.NaN;

            var (everyoneUp, final) = await WaitAllUpAsync(cluster, ids, log);
            var allUp = everyoneUp ? Since(killedAt) : double.NaN;

            var (duplicates, lost, extraReselects, overlappingCalls) = Check(cluster, ids, healing, final, log);
            var result = new RecoveryRound(
                round, victim.Silo.Name, victim.Heals.Count, victim.HeldAdmission, victim.HeldMonitor,
                declaredDead, firstAccepted, allAccepted, allUp, duplicates, lost, extraReselects, overlappingCalls, setUp.Elapsed.TotalSeconds);
            log.WriteLine($"  recovery {label}: killed {victim.Silo.Name} with {victim.Heals.Count} of {healsInFlight} heals" +
                          $"{(victim.HeldAdmission ? ", the admission" : "")}{(victim.HeldMonitor ? ", the monitor" : "")}; " +
                          $"declared dead {Seconds(declaredDead)}, first orphaned heal accepted {Seconds(firstAccepted)}, all {Seconds(allAccepted)}, " +
                          $"all {connections} Up {Seconds(allUp)}; duplicates {result.Duplicates}, lost {result.Lost}, " +
                          $"extra reselects {result.ExtraReselects}, overlapping calls {result.OverlappingCalls}");
            return result;
        }
        catch (Exception e)
        {
            log.WriteLine($"  recovery {label} failed: {e.Message}\n{cluster.SiloOutputTails()}");
            throw;
        }
    }

    private static TimeSpan DefaultPeriod => new ConnectionGrainOptions().BackstopReminderPeriod;

    /// <summary>
    /// Registers every connection through its grain on the production heal policy, and waits for the steady state a
    /// crash would meet: all Up and all registered with the NSMgr's monitor, whose stream is open.
    /// </summary>
    private static async Task RegisterAsync(RecoveryCluster cluster, IReadOnlyList<string> ids)
    {
        var address = cluster.NsmgrAddress;
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = HealStormBenchmark.RegisterParallelism }, async (id, _) =>
        {
            var snapshot = await cluster.Client.GetGrain<IConnectionGrain>(id)
                .Request(new ConnectionRequest { NsmgrAddress = address, Request = NsmWire.NewRequest(id), ClientName = "nsc-bench" });
            if (snapshot.Phase != ConnectionPhase.Up)
            {
                throw new InvalidOperationException($"{id} registered as {snapshot.Phase} ({snapshot.Reason}), not Up");
            }
        });
        var monitor = cluster.Client.GetGrain<INsmgrMonitorGrain>(address);
        await Eventually.True(async () => await monitor.GetStatus() is { StreamConnected: true } status && status.RegisteredConnections == ids.Count,
            "the monitor to hold every connection", TimeSpan.FromSeconds(60));
    }

    /// <summary>What must hold after a crash, counted rather than asserted so the report shows it: see <see cref="RecoveryRound"/>.</summary>
    private static (int Duplicates, int Lost, int ExtraReselects, int OverlappingCalls) Check(
        RecoveryCluster cluster, IReadOnlyList<string> ids, IReadOnlyCollection<string> healing, IReadOnlyDictionary<string, ConnectionSnapshot> final, TextWriter log)
    {
        var sim = cluster.Simulator;
        var lost = ids.Where(id => final.GetValueOrDefault(id) is not { Phase: ConnectionPhase.Up } snapshot
            || !sim.IsDataPlaneUp(id) || sim.WiringOf(id)?.Endpoint != snapshot.Endpoint).ToList();
        var extra = ids.ToDictionary(id => id, id => Math.Max(0, HealsInFlight.AcceptedReselects(sim, id) - (healing.Contains(id) ? 1 : 0)));
        // What went wrong, named, so a bad round can be followed up in the silos' logs.
        foreach (var id in lost.Concat(extra.Where(e => e.Value > 0).Select(e => e.Key)).Distinct().Take(5))
        {
            var snapshot = final.GetValueOrDefault(id);
            log.WriteLine($"    {id}: grain {snapshot?.Phase} at {snapshot?.Endpoint}, simulator wired at {sim.WiringOf(id)?.Endpoint} (data plane up: {sim.IsDataPlaneUp(id)}); " +
                          $"requests: {string.Join(", ", sim.Records.Requests(id).Select(r => $"{r.Timestamp:HH:mm:ss.fff} {(r.Reselect ? "reselect" : "request")} {r.Outcome} {r.Endpoint}"))}");
        }

        return (sim.Records.Duplicates().Count, lost.Count, extra.Values.Sum(), ids.Count(id => sim.Records.PeakInFlight(id) > 1));
    }

    private sealed record Victim(SiloProcess Silo, IReadOnlyList<string> Heals, bool HeldAdmission, bool HeldMonitor);

    /// <summary>The silo hosting most of the heals in flight right now, from Orleans' activation statistics.</summary>
    private static async Task<Victim> VictimAsync(RecoveryCluster cluster, IReadOnlyList<string> healing)
    {
        var wanted = healing.ToHashSet(StringComparer.Ordinal);
        var activations = await cluster.ActivationsAsync();
        var busiest = activations
            .Where(a => wanted.Contains(a.GrainId.Key.ToString()!))
            .GroupBy(a => a.SiloAddress.Endpoint.Port)
            .MaxBy(group => group.Count())
            ?? throw new InvalidOperationException("none of the heals in flight has an activation");
        bool Holds(string grainClass) => activations.Any(a =>
            a.SiloAddress.Endpoint.Port == busiest.Key && a.GrainType.Contains(grainClass, StringComparison.Ordinal));
        return new Victim(cluster.SiloOnPort(busiest.Key), [.. busiest.Select(a => a.GrainId.Key.ToString()!)],
            Holds(nameof(HealAdmissionGrain)), Holds(nameof(NsmgrMonitorGrain)));
    }

    /// <summary>
    /// Asks every grain not yet seen Up for its state until all are Up. Each call activates the grain wherever Orleans
    /// places it, as an NSC's next call would; a call that still meets the dead silo is retried, as an NSC retries.
    /// </summary>
    private static async Task<(bool AllUp, IReadOnlyDictionary<string, ConnectionSnapshot> Final)> WaitAllUpAsync(RecoveryCluster cluster, IReadOnlyList<string> ids, TextWriter log)
    {
        var latest = new ConcurrentDictionary<string, ConnectionSnapshot>(StringComparer.Ordinal);
        var allUp = await Within(async () =>
            {
                await Task.WhenAll(ids.Where(id => latest.GetValueOrDefault(id)?.Phase != ConnectionPhase.Up).Select(async id =>
                {
                    try
                    {
                        latest[id] = await cluster.Client.GetGrain<IConnectionGrain>(id).GetState().WaitAsync(StateCallTimeout);
                    }
                    catch (Exception e) when (e is OrleansException or TimeoutException)
                    {
                    }
                }));
                return ids.All(id => latest.GetValueOrDefault(id)?.Phase == ConnectionPhase.Up);
            },
            $"all {ids.Count} connections Up", AllUpTimeout, log);
        if (!allUp)
        {
            foreach (var id in ids.Where(id => latest.GetValueOrDefault(id)?.Phase != ConnectionPhase.Up).Take(10))
            {
                log.WriteLine($"    {id}: {latest.GetValueOrDefault(id)?.Phase.ToString() ?? "no answer"} {latest.GetValueOrDefault(id)?.Reason}");
            }
        }

        return (allUp, latest);
    }

    /// <summary>Waits as <see cref="Eventually.True(Func{Task{bool}}, string, TimeSpan?, Func{string}?, TimeSpan?)"/>; a timeout is a result of the round, logged, not an error.</summary>
    private static async Task<bool> Within(Func<Task<bool>> condition, string what, TimeSpan timeout, TextWriter log)
    {
        try
        {
            await Eventually.True(condition, what, timeout, poll: TimeSpan.FromMilliseconds(10));
            return true;
        }
        catch (TimeoutException e)
        {
            log.WriteLine($"  recovery: {e.Message}");
            return false;
        }
    }

    private static Task<bool> Within(Func<bool> condition, string what, TimeSpan timeout, TextWriter log) =>
        Within(() => Task.FromResult(condition()), what, timeout, log);

    private static RecoveryResult Summarize(TimeSpan? period, int connections, int healsInFlight, IReadOnlyList<RecoveryRound> rounds)
    {
        Distribution Of(Func<RecoveryRound, double> time) => Distribution.Of([.. rounds.Select(time).Where(double.IsFinite)]);
        return new RecoveryResult(period ?? DefaultPeriod, period is null, Silos, connections, healsInFlight,
            Of(r => r.DeclaredDeadMs), Of(r => r.FirstOrphanedAcceptedMs), Of(r => r.AllOrphanedAcceptedMs), Of(r => r.AllUpMs),
            Of(r => r.AllOrphanedAcceptedMs - r.DeclaredDeadMs), rounds);
    }

    private static double Since(DateTimeOffset start) => (TimeProvider.System.GetUtcNow() - start).TotalMilliseconds;

    private static string Seconds(double ms) => double.IsFinite(ms) ? $"{ms / 1000:0.00} s" : "never";

    internal static string Describe(TimeSpan period) => period.TotalSeconds % 60 == 0 ? $"{period.TotalMinutes:0} min" : $"{period.TotalSeconds:0.###} s";
}
