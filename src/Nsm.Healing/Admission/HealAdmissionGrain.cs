using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nsm.Healing.Decisions;
using Nsm.Healing.Grains;
using Nsm.Healing.Monitoring;
using Nsm.Healing.Telemetry;

namespace Nsm.Healing.Admission;

/// <summary>
/// A thin shell over <see cref="AdmissionBudget"/>: answers at once, and tells queued connections (one-way) when
/// a permit is theirs. Kept in memory only: after a failover it starts slow again, which is the safe direction,
/// and leases bound what a lost activation could have over-admitted.
/// </summary>
public sealed class HealAdmissionGrain(
    IOptions<MonitorOptions> options,
    JitterSource jitter,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    HealingMetrics metrics) : Grain, IHealAdmissionGrain
{
    private readonly AdmissionBudget _budget = new(options.Value.AdmissionInitialBudget, options.Value.AdmissionMaxConcurrency, options.Value.AdmissionLease);

    Task<AdmissionDecision> IHealAdmissionGrain.TryAdmit(string connectionId, TimeSpan attempt)
    {
        // Permits reclaimed from holders that never came back are the queue's first: without this, a queue behind
        // vanished holders (a killed silo's reserves, Releases lost in a partition) would wait for good.
        AdmitWaiting(except: connectionId);
        var waitingBefore = _budget.Waiting;
        var admitted = _budget.TryAdmit(connectionId, time.GetUtcNow(), attempt);
        metrics.AdmissionQueueChanged(_budget.Waiting - waitingBefore);
        // A queued heal is told when its turn comes; asking again later (jittered) is its backstop should that
        // message, or this whole activation, be lost. Asking again keeps its place in the queue.
        var requery = options.Value.AdmissionRequery * (0.5 + 0.5 * jitter.NextFraction());
        return Task.FromResult(new AdmissionDecision(admitted, admitted ? TimeSpan.Zero : requery));
    }

    Task<bool> IHealAdmissionGrain.TryReserve(string holder)
    {
        var reserved = _budget.TryReserve(holder, time.GetUtcNow());
        if (!reserved)
        {
            // A reserve given up while heals queue goes to the first of them.
            AdmitWaiting();
        }

        return Task.FromResult(reserved);
    }

    Task IHealAdmissionGrain.GiveBack(string holder)
    {
        var waitingBefore = _budget.Waiting;
        _budget.GiveBack(holder);
        metrics.AdmissionQueueChanged(_budget.Waiting - waitingBefore);
        AdmitWaiting();
        return Task.CompletedTask;
    }

    Task IHealAdmissionGrain.Release(string connectionId, bool nsmgrAnswered)
    {
        _budget.Release(connectionId, nsmgrAnswered);
        AdmitWaiting();
        return Task.CompletedTask;
    }

    Task IHealAdmissionGrain.OnNsmgrReturned()
    {
        _budget.Restart();
        return Task.CompletedTask;
    }

    Task<AdmissionStatus> IHealAdmissionGrain.GetStatus() => Task.FromResult(new AdmissionStatus(_budget.Budget, _budget.InUse, _budget.Waiting));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        metrics.AdmissionQueueChanged(-_budget.Waiting);
        return Task.CompletedTask;
    }

    /// <param name="except">The heal asking right now, told by its answer rather than by a message.</param>
    private void AdmitWaiting(string? except = null)
    {
        var admitted = _budget.AdmitWaiting(time.GetUtcNow());
        metrics.AdmissionQueueChanged(-admitted.Count);
        foreach (var connectionId in admitted.Where(id => id != except))
        {
            GrainFactory.GetGrain<IConnectionEvents>(connectionId).OnHealAdmitted().Ignore();
        }
    }
}
