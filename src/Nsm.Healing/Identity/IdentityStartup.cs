using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Nsm.Healing.Identity;

/// <summary>
/// Start-up waits for the silo's first SVID: a silo that cannot prove who it is would only collect PermissionDenied
/// from every NSMgr, so it fails to start with an error naming the socket instead.
/// </summary>
internal sealed class IdentityStartup(Nsm.Identity.IX509SvidSource source, IOptions<IdentityOptions> options, ILogger<IdentityStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        switch (source)
        {
            case WorkloadApiSvidSource workloadApi:
                workloadApi.Start();
                await workloadApi.WaitForFirstAsync(options.Value.StartupTimeout, cancellationToken).ConfigureAwait(false);
                break;
            case PlaintextIdentity:
                IdentityLog.IdentityOff(logger);
                break;
            default:
                // Files: read now, so a bad file fails start-up instead of the first call.
                _ = source.Current;
                break;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
