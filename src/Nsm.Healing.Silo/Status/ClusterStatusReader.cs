using Nsm.Healing.Admission;
using Nsm.Healing.Custody;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Silo.Status;

/// <summary>
/// Reads <see cref="ClusterStatus"/> from the grains: the directory, each NSMgr's monitor and admission grains, and one
/// GetState call per registered connection. That last part costs a call (and an activation) per connection, so a read
/// is shared by every request within <see cref="FreshFor"/> and asks at most <see cref="MaxConnectionsCounted"/>
/// connections; the rest are reported as not counted.
/// </summary>
public sealed class ClusterStatusReader
{
    /// <summary>Connection grains asked at once, so a large cluster is not flooded by one status request.</summary>
    public const int MaxConcurrentCalls = 32;

    /// <summary>Connections asked for their phase per read, over all NSMgrs; the metric nsm.connections counts them all.</summary>
    public const int MaxConnectionsCounted = 10_000;

    /// <summary>How long one read answers every request.</summary>
    public static readonly TimeSpan FreshFor = TimeSpan.FromSeconds(10);

    private readonly IGrainFactory _grains;
    private readonly CachedRead<ClusterStatus> _cached;

    public ClusterStatusReader(IGrainFactory grains, TimeProvider time)
    {
        _grains = grains;
        _cached = new CachedRead<ClusterStatus>(ReadFreshAsync, FreshFor, time);
    }

    public Task<ClusterStatus> ReadAsync(CancellationToken cancellationToken) => _cached.GetAsync(cancellationToken);

    private async Task<ClusterStatus> ReadFreshAsync(CancellationToken cancellationToken)
    {
        var addresses = await _grains.GetGrain<IMonitorDirectoryGrain>(0).List();
        var nsmgrs = new List<NsmgrStatus>(addresses.Count);
        var toCount = MaxConnectionsCounted;
        foreach (var address in addresses.Order(StringComparer.Ordinal))
        {
            var nsmgr = await ReadNsmgrAsync(address, toCount, cancellationToken);
            toCount -= nsmgr.Registered - nsmgr.Uncounted;
            nsmgrs.Add(nsmgr);
        }

        var totals = EmptyPhases();
        foreach (var (phase, count) in nsmgrs.SelectMany(nsmgr => nsmgr.Phases))
        {
            totals[phase] += count;
        }

        // One call: the census is summed per silo already, however many connections there are.
        var blastRadius = await _grains.GetGrain<IBlastRadiusGrain>(0).Read();
        return new ClusterStatus(nsmgrs, totals, blastRadius);
    }

    private async Task<NsmgrStatus> ReadNsmgrAsync(string address, int toCount, CancellationToken cancellationToken)
    {
        var monitor = _grains.GetGrain<INsmgrMonitorGrain>(address);
        var statusCall = monitor.GetStatus();
        var idsCall = monitor.GetConnectionIds();
        var admissionCall = _grains.GetGrain<IHealAdmissionGrain>(MonitorKey.AddressOf(address)).GetStatus();
        var (status, ids, admission) = (await statusCall, await idsCall, await admissionCall);

        var phases = EmptyPhases();
        var unanswered = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = MaxConcurrentCalls, CancellationToken = cancellationToken };
        var counted = ids.Take(Math.Max(0, toCount)).ToList();
        await Parallel.ForEachAsync(counted, parallel, async (id, _) =>
        {
            string? phase;
            try
            {
                phase = (await _grains.GetGrain<IConnectionGrain>(id).GetState()).Phase.ToString();
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
            new AdmissionView(admission.Budget, admission.InUse, admission.Waiting), ids.Count - counted.Count);
    }

    /// <summary>Every phase, zeros included, so a script finds each key whatever the cluster's state.</summary>
    private static Dictionary<string, int> EmptyPhases() => Enum.GetNames<ConnectionPhase>().ToDictionary(name => name, _ => 0);
}
