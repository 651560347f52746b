using System.IO;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Hosting;

namespace Nsm.Healing.Namespaces;

/// <summary>Scans the node for the watched NSC namespaces every <see cref="ConnectionGrainOptions.NscNamespaceCheckInterval"/>.</summary>
internal sealed partial class NscNamespaceWatch(
    NodeNamespaces namespaces, IOptions<ConnectionGrainOptions> options, TimeProvider time, ILogger<NscNamespaceWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.NscNamespaceCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
        {
            try
            {
                namespaces.CheckWatched();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                ScanFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventName = "NscNamespaceScanFailed", Level = LogLevel.Warning, Message = "Scanning the node for NSC network namespaces failed: {Problem}")]
    private static partial void ScanFailed(ILogger logger, string problem);
}
