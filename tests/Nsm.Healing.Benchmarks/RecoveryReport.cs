using System.Globalization;
using System.Text;

namespace Nsm.Healing.Benchmarks;

/// <summary>Renders the recovery benchmark as a section of docs/benchmarks.md: medians, every round, and what they mean.</summary>
public static class RecoveryReport
{
    public static string Render(IReadOnlyList<RecoveryResult> results)
    {
        var md = new StringBuilder();
        md.AppendLine("## Recovery after a silo crash (Redis profile)");
        md.AppendLine();
        if (results.Count == 0)
        {
            md.AppendLine("Not run.");
            return md.ToString();
        }

        var first = results[0];
        md.AppendLine($"{first.Connections} connections on {first.Silos} silo processes of the real host (`Nsm.Healing.Silo`, Redis profile: state, reminders and");
        md.AppendLine($"membership in a real redis-server), {first.HealsInFlight} of them reselecting against an NSMgr that fails every Request. The silo hosting most");
        md.AppendLine("of those heals is killed with SIGKILL and the NSMgr released at once; the heals that were on it are the *orphaned* ones.");
        md.AppendLine("Seconds from the kill to: the death declared by the cluster's membership (as the benchmark's client sees it, polled every");
        md.AppendLine("10 ms); the NSMgr accepting the first and the last orphaned heal's reselect (the simulator's timestamps; the benchmark calls no");
        md.AppendLine("grain before, so no call of its wakes them); every connection's grain reading Up. Median (min–max) over the rounds; the");
        md.AppendLine("production default row is the one an operator gets. Checked in every round: duplicates at any NSE, connections lost (not Up,");
        md.AppendLine("or not wired and up at the simulator as the grain says), reselects beyond one per heal, and two calls in flight for one connection.");
        md.AppendLine();
        md.AppendLine($"| `BackstopReminderPeriod` | rounds | orphaned heals (of {first.HealsInFlight}) | declared dead | first orphaned heal accepted | all orphaned heals accepted | all accepted after declared dead | all {first.Connections} Up | duplicates at NSEs | connections lost | extra reselects | overlapping calls |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            md.AppendLine($"| {Period(r)} | {r.Rounds.Count} | {Median(r.Rounds.Select(x => (double)x.OrphanedHeals))} " +
                          $"| {Spread(r.DeclaredDead)} | {Spread(r.FirstOrphanedAccepted)} | {Spread(r.AllOrphanedAccepted, r.Rounds.Count)} | {Spread(r.LastResumedAfterDeclaredDead)} | {Spread(r.AllUp, r.Rounds.Count)} " +
                          $"| {r.Rounds.Sum(x => x.Duplicates)} | {r.Rounds.Sum(x => x.Lost)} | {r.Rounds.Sum(x => x.ExtraReselects)} | {r.Rounds.Sum(x => x.OverlappingCalls)} |");
        }

        md.AppendLine();
        md.AppendLine("Every round (seconds from the kill; \"also held\" names the NSMgr's single activations that died with the silo):");
        md.AppendLine();
        md.AppendLine("| `BackstopReminderPeriod` | round | orphaned heals | also held | declared dead | first accepted | all accepted | all accepted after declared dead | all Up | set-up (s) |");
        md.AppendLine("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            foreach (var x in r.Rounds)
            {
                var held = string.Join(", ", new[] { x.KilledAdmission ? "admission" : null, x.KilledMonitor ? "monitor" : null }.OfType<string>());
                md.AppendLine($"| {Period(r)} | {x.Round} | {x.OrphanedHeals} | {(held.Length == 0 ? "–" : held)} | {S(x.DeclaredDeadMs)} | {S(x.FirstOrphanedAcceptedMs)} " +
                              $"| {S(x.AllOrphanedAcceptedMs)} | {S(x.AllOrphanedAcceptedMs - x.DeclaredDeadMs)} | {S(x.AllUpMs)} | {x.SetUpSeconds.ToString("0.0", CultureInfo.InvariantCulture)} |");
            }
        }

        md.AppendLine();
        md.AppendLine(Meaning(results));
        return md.ToString();
    }

    /// <summary>
    /// Detection is the membership's work and the same in every row. What follows is either the wake on membership
    /// change or the backstop reminder; a wait far shorter than the default period can only be the wake.
    /// </summary>
    private static string Meaning(IReadOnlyList<RecoveryResult> results)
    {
        var text = new StringBuilder();
        var detection = results.SelectMany(r => r.Rounds).Select(x => x.DeclaredDeadMs).Where(double.IsFinite).ToList();
        if (detection.Count > 0)
        {
            text.AppendLine($"Detection, {S(detection.Min())}–{S(detection.Max())} s after the kill, is the membership's work (`Nsm:Cluster:FailureDetection` on its");
            text.AppendLine("defaults, see [cluster.md](cluster.md#failure-detection)) and the same whatever the backstop.");
        }

        text.AppendLine("Once the death is declared, an orphaned heal resumes by one of two paths. On every membership change each surviving silo's");
        text.AppendLine("`MonitorSupervisor` wakes the connections registered with each NSMgr's monitor: the grain reactivates on a live silo from");
        text.AppendLine("its state in Redis and resumes the heal at once. For a heal that wake misses, its `heal-backstop` reminder ticks one");
        text.AppendLine("`BackstopReminderPeriod` after the heal started and every period after.");
        var waits = string.Join(" and ", results.Select(r =>
            $"{S(r.LastResumedAfterDeclaredDead.P50Ms)} s (at most {S(r.LastResumedAfterDeclaredDead.MaxMs)} s) with {(r.ProductionDefault ? $"the {RecoveryBenchmark.Describe(r.BackstopReminderPeriod)} default" : RecoveryBenchmark.Describe(r.BackstopReminderPeriod))}"));
        text.AppendLine($"The last orphaned heal was accepted {waits} after the death was declared.");
        var byDefault = results.FirstOrDefault(r => r.ProductionDefault);
        if (byDefault is not null && byDefault.LastResumedAfterDeclaredDead.Samples == byDefault.Rounds.Count
            && byDefault.LastResumedAfterDeclaredDead.MaxMs < byDefault.BackstopReminderPeriod.TotalMilliseconds / 2)
        {
            text.AppendLine("That is long before a default reminder could tick, so the wake resumed them in every round and the shorter period bought");
            text.AppendLine("nothing here: the period only bounds the wait of a heal whose wake is lost.");
        }
        else
        {
            text.AppendLine("A wait near a row's period is its reminder's tick: there the wake missed, and a shorter period buys a faster recovery.");
        }

        return text.ToString();
    }

    private static string Period(RecoveryResult r) =>
        r.ProductionDefault ? $"{RecoveryBenchmark.Describe(r.BackstopReminderPeriod)} (default)" : RecoveryBenchmark.Describe(r.BackstopReminderPeriod);

    /// <summary>Median (min–max); with <paramref name="rounds"/>, says how many rounds never got there.</summary>
    private static string Spread(Distribution d, int? rounds = null)
    {
        if (d.Samples == 0)
        {
            return "never";
        }

        var missing = rounds is { } n && n > d.Samples ? $", {n - d.Samples} never" : "";
        return d.Samples == 1 ? $"{S(d.P50Ms)}{missing}" : $"{S(d.P50Ms)} ({S(d.MinMs)}–{S(d.MaxMs)}{missing})";
    }

    private static string Median(IEnumerable<double> values) => Distribution.Of([.. values]).P50Ms.ToString("0", CultureInfo.InvariantCulture);

    private static string S(double ms) => double.IsFinite(ms) ? (ms / 1000).ToString("0.00", CultureInfo.InvariantCulture) : "–";
}
