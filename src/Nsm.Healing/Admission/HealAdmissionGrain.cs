using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nsm.Healing.Decisions;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Admission;

/// <summary>
/// A thin shell over <see cref="AdmissionBudget"/>. Kept in memory only: after a failover it starts slow again,
/// which is the safe direction, and leases bound what a lost activation could have over-admitted.
/// </summary>
public sealed class HealAdmissionGrain(
    IOptions<MonitorOptions> options,
    JitterSource jitter,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IHealAdmissionGrain
{
    private readonly AdmissionBudget _budget = new(options.Value.AdmissionInitialBudget, options.Value.AdmissionMaxConcurrency, options.Value.AdmissionLease);

    Task<AdmissionDecision> IHealAdmissionGrain.TryAdmit(string connectionId)
    {
        var admitted = _budget.TryAdmit(connectionId, time.GetUtcNow());
        var retryAfter = admitted ? TimeSpan.Zero : _budget.RetryBound(options.Value.AdmissionRetryDelay) * jitter.NextFraction();
        return Task.FromResult(new AdmissionDecision(admitted, retryAfter));
    }

    Task IHealAdmissionGrain.Release(string connectionId, bool nsmgrAnswered)
    {
        _budget.Release(connectionId, nsmgrAnswered);
        return Task.CompletedTask;
    }

    Task IHealAdmissionGrain.OnNsmgrReturned()
    {
        _budget.Restart();
        return Task.CompletedTask;
    }

    Task<AdmissionStatus> IHealAdmissionGrain.GetStatus() => Task.FromResult(new AdmissionStatus(_budget.Budget, _budget.InUse, _budget.Waiting));
}
