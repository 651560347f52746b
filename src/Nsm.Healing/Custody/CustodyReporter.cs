using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Hosting;

namespace Nsm.Healing.Custody;

/// <summary>
/// Runs on every silo once it is active: every report interval it sends this silo's census to the blast-radius grain
/// and refreshes the silo's copy of the quarantines. Two calls per silo per interval, whatever the number of connections.
/// </summary>
internal sealed class CustodyReporter(
    ConnectionCensus census,
    QuarantineView view,
    IOrphanTally orphans,
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<CustodyOptions> options,
    TimeProvider time,
    ILogger<CustodyReporter> logger) : WhileSiloActive
{
    protected override Task RunAsync(CancellationToken stopping) => ReportPeriodicallyAsync(stopping);

    private async Task ReportPeriodicallyAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ReportInterval, time);
        try
        {
            do
            {
                await ReportAsync();
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReportAsync()
    {
        try
        {
            var report = census.Summarize(silo.SiloAddress.ToParsableString(), orphans.Current(), time.GetUtcNow());
            var serving = await grains.GetGrain<IBlastRadiusGrain>(0).Report(report);
            view.Take(await grains.GetGrain<IQuarantineGrain>(0).Get(), serving);
        }
        catch (Exception e)
        {
            // Mid-failover the grains may not answer; the view keeps what it had, and the next interval tries again.
            CustodyLog.ReportFailed(logger, e.Message);
        }
    }
}
