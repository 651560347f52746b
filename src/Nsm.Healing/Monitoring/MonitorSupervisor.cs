using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Hosting;

namespace Nsm.Healing.Monitoring;

/// <summary>
/// Runs on every silo once it is active in the cluster (<see cref="WhileSiloActive"/>). When membership changes (a silo
/// died or left) and every <see cref="MonitorOptions.SweepInterval"/>, it pokes each NSMgr's monitor grain, which re-activates on a live silo and restarts its stream within seconds of the
/// death being declared — not at the next one-minute reminder tick.
/// </summary>
internal sealed class MonitorSupervisor(
    IClusterMembershipService membership,
    IGrainFactory grains,
    IOptions<MonitorOptions> options,
    TimeProvider time,
    ILogger<MonitorSupervisor> logger) : WhileSiloActive
{
    protected override Task RunAsync(CancellationToken stopping)
    {
        MonitorLog.SupervisorStarted(logger, options.Value.SweepInterval);
        return Task.WhenAll(SweepOnMembershipChangesAsync(stopping), SweepPeriodicallyAsync(stopping));
    }

    private async Task SweepOnMembershipChangesAsync(CancellationToken stoppingToken)
    {
        try
        {
            var previous = membership.CurrentSnapshot;
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                // Up connections of a dead silo have no reminder (only heals do): wake them so they refresh again.
                // A silo that joined leaves nothing behind to wake.
                var someoneDied = snapshot.CreateUpdate(previous).Changes.Any(change => change.Status == SiloStatus.Dead);
                previous = snapshot;
                await SweepAsync(someoneDied ? snapshot.Version.Value : null);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await SweepAsync(wakeForMembership: null);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <param name="wakeForMembership">The membership version whose dead silos' connections to wake; null wakes nobody.</param>
    private async Task SweepAsync(long? wakeForMembership)
    {
        IReadOnlyList<string> nsmgrs;
        try
        {
            nsmgrs = await grains.GetGrain<IMonitorDirectoryGrain>(0).List();
        }
        catch (Exception e)
        {
            // Early in start-up or mid-failover the directory may not answer yet; the next sweep will.
            MonitorLog.SweepFailed(logger, "(directory)", e.Message);
            return;
        }

        await Task.WhenAll(nsmgrs.Select(async nsmgr =>
        {
            try
            {
                var monitor = grains.GetGrain<INsmgrMonitorGrain>(nsmgr);
                await monitor.EnsureRunning();
                if (wakeForMembership is { } version)
                {
                    await monitor.WakeConnections(version);
                }
            }
            catch (Exception e)
            {
                MonitorLog.SweepFailed(logger, nsmgr, e.Message);
            }
        }));
    }
}
