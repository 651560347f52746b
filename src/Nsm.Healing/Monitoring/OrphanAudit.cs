using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Nsm.Healing.Connections;
using Nsm.Healing.Grains;
using Nsm.Healing.Telemetry;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// The orphan audit of one NSMgr: its snapshot compared with what the cluster owns. An entry carrying our identity that
/// no registration at this NSMgr owns is a suspect; its connection grain, the single writer for that id, judges it and
/// closes it when it owns nothing (or only a closed connection) under the id. Runs beside event delivery, never in its
/// way: the snapshot call returns at once, and the verdicts come back a bounded number at a time.
/// </summary>
internal sealed class OrphanAudit(string nsmgrAddress, IGrainFactory grains, int concurrency, HealingMetrics metrics, ILogger logger)
{
    private Task _running = Task.CompletedTask;

    /// <summary>What the last audit found, for the monitor's status.</summary>
    public OrphanAuditResult? Last { get; private set; }

    /// <summary>Orphans closed since this activation started.</summary>
    public long OrphansClosed { get; private set; }

    public long Audits { get; private set; }

    /// <summary>Starts the audit of <paramref name="snapshot"/>; one at a time (the next snapshot audits what this one could not).</summary>
    /// <param name="isRegistered">Whether a connection id is registered at this NSMgr.</param>
    public void Start(IReadOnlyList<StreamObservation> snapshot, Func<string, bool> isRegistered, DateTimeOffset receivedAt)
    {
        if (!_running.IsCompleted)
        {
            MonitorLog.OrphanAuditSkipped(logger, nsmgrAddress);
            return;
        }

        var ours = 0;
        var suspects = new List<StreamObservation>();
        foreach (var observation in snapshot)
        {
            if (!observation.Ours)
            {
                continue;
            }

            ours++;
            if (observation.ConnectionId.Length > 0 && !isRegistered(observation.ConnectionId))
            {
                suspects.Add(observation);
            }
        }

        _running = RunAsync(suspects, ours, snapshot.Count - ours, receivedAt);
    }

    private async Task RunAsync(List<StreamObservation> suspects, int ours, int foreign, DateTimeOffset receivedAt)
    {
        var clock = Stopwatch.StartNew();
        var verdicts = new Dictionary<OrphanVerdict, int>();
        var unanswered = 0;
        using var slots = new SemaphoreSlim(concurrency);
        var judged = new List<Task>(suspects.Count);
        foreach (var suspect in suspects)
        {
            await slots.WaitAsync();
            judged.Add(JudgeAsync(suspect));
        }

        await Task.WhenAll(judged);
        var duration = clock.Elapsed;
        var result = new OrphanAuditResult
        {
            At = receivedAt,
            Ours = ours,
            Foreign = foreign,
            Suspects = suspects.Count,
            Closed = verdicts.GetValueOrDefault(OrphanVerdict.Closed),
            TooLate = verdicts.GetValueOrDefault(OrphanVerdict.TooLate),
            NotClosed = verdicts.GetValueOrDefault(OrphanVerdict.CloseFailed) + unanswered,
            Owned = verdicts.GetValueOrDefault(OrphanVerdict.Owned),
            Duration = duration,
        };
        Last = result;
        Audits++;
        OrphansClosed += result.Closed;
        metrics.OrphanAudited(duration);
        MonitorLog.OrphanAuditDone(logger, nsmgrAddress, ours, foreign, result.Suspects, result.Closed, result.TooLate, result.NotClosed, result.Owned, (long)duration.TotalMilliseconds);

        async Task JudgeAsync(StreamObservation suspect)
        {
            try
            {
                var verdict = await grains.GetGrain<IConnectionEvents>(suspect.ConnectionId).AuditOrphan(nsmgrAddress, suspect.Connection);
                verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            }
            catch (Exception)
            {
                // Mid-failover, or the grain refused: the next audit asks again.
                unanswered++;
            }
            finally
            {
                slots.Release();
            }
        }
    }
}

/// <summary>One orphan audit of an NSMgr's snapshot: what it saw and what came of it.</summary>
[GenerateSerializer, Immutable, Alias("nsm.OrphanAuditResult")]
public sealed record OrphanAuditResult
{
    /// <summary>When the audited snapshot arrived.</summary>
    [Id(0)] public DateTimeOffset At { get; init; }

    /// <summary>Snapshot entries carrying our identity.</summary>
    [Id(1)] public int Ours { get; init; }

    /// <summary>Snapshot entries not ours: never touched.</summary>
    [Id(2)] public int Foreign { get; init; }

    /// <summary>Ours, with no registration at this NSMgr: each asked of its grain.</summary>
    [Id(3)] public int Suspects { get; init; }

    /// <summary>Orphans whose Close the NSMgr answered.</summary>
    [Id(4)] public int Closed { get; init; }

    /// <summary>Orphans whose token had expired: left for the NSMgr to time out.</summary>
    [Id(5)] public int TooLate { get; init; }

    /// <summary>Orphans not closed (the Close failed, or the grain did not answer): the next audit tries again.</summary>
    [Id(6)] public int NotClosed { get; init; }

    /// <summary>Suspects their grain owns after all (e.g. registering right then).</summary>
    [Id(7)] public int Owned { get; init; }

    [Id(8)] public TimeSpan Duration { get; init; }
}
