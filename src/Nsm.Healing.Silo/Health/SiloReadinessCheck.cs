using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nsm.Healing.Silo.Health;

/// <summary>
/// Ready only while this silo is Active in the cluster's membership and the host has finished starting: not while
/// it is joining or still starting later lifecycle stages (a stop then would cancel the start), not once shutdown
/// began (so Kubernetes stops counting it before Orleans finishes leaving), not after being declared dead.
/// </summary>
internal sealed class SiloReadinessCheck(IClusterMembershipService membership, ILocalSiloDetails silo, IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is shutting down"));
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is still starting"));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.SiloAddress} is Active")
            : HealthCheckResult.Unhealthy($"silo {silo.SiloAddress} is {status}"));
    }
}
