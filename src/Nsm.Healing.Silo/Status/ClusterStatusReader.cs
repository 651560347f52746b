using Nsm.Healing.Admission;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Silo.Status;

/// <summary>
/// Reads <see cref="ClusterStatus"/> from the grains: the directory, each NSMgr's monitor and admission grains, and one
/// GetState call per registered connection. That last part costs a call (and an activation) per connection, so this
/// is for an operator's look at the cluster, not for tight polling.
/// </summary>
public sealed class ClusterStatusReader(IGrainFactory grains)
{
    /// <summary>Connection grains asked at once, so a large cluster is not flooded by one status request.</summary>
    public const int MaxConcurrentCalls = 32;

    public async Task<ClusterStatus> ReadAsync(CancellationToken cancellationToken)
    {
        var addresses = await grains.GetGrain<IMonitorDirectoryGrain>(0).List();
        var nsmgrs = new List<NsmgrStatus>(addresses.Count);
        foreach (var address in addresses.Order(StringComparer.Ordinal))
        {
            nsmgrs.Add(await ReadNsmgrAsync(address, cancellationToken));
        }

        var totals = EmptyPhases();
        foreach (var (phase, count) in nsmgrs.SelectMany(nsmgr => nsmgr.Phases))
        {
            totals[phase] += count;
        }

        return new ClusterStatus(nsmgrs, totals);
    }

    private async Task<NsmgrStatus> ReadNsmgrAsync(string address, CancellationToken cancellationToken)
    {
        var monitor = grains.GetGrain<INsmgrMonitorGrain>(address);
        var statusCall = monitor.GetStatus();
        var idsCall = monitor.GetConnectionIds();
        var admissionCall = grains.GetGrain<IHealAdmissionGrain>(address).GetStatus();
        var (status, ids, admission) = (await statusCall, await idsCall, await admissionCall);

        var phases = EmptyPhases();
        var unanswered = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(ids, parallel, async (id, _) =>
        {
            string? phase;
            try
            {
                phase = (await grains.GetGrain<IConnectionGrain>(id).GetState()).Phase.ToString();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException)
            {
                phase = null;
            }

            lock (phases)
            {
                if (phase is null)
                {
                    unanswered++;
                }
                else
                {
                    phases[phase]++;
                }
            }
        });

        return new NsmgrStatus(address, status.StreamConnected, status.Epoch, status.Silo, ids.Count, phases, unanswered,
            new AdmissionView(admission.Budget, admission.InUse, admission.Waiting));
    }

    /// <summary>Every phase, zeros included, so a script finds each key whatever the cluster's state.</summary>
    private static Dictionary<string, int> EmptyPhases() => Enum.GetNames<ConnectionPhase>().ToDictionary(name => name, _ => 0);
}
