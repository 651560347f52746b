using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Nsm.Healing.Custody;

/// <summary>Holds the last census of each silo (see <see cref="IBlastRadiusGrain"/>); a silo silent for three report
/// intervals (gone, or cut off) no longer counts.</summary>
public sealed class BlastRadiusGrain(
    IOptions<CustodyOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time) : Grain, IBlastRadiusGrain
{
    private readonly Dictionary<string, CensusReport> _reports = new(StringComparer.Ordinal);

    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> IBlastRadiusGrain.Report(CensusReport report)
    {
        _reports[report.Silo] = report;
        return Task.FromResult(BlastRadiusMerge.Serving(Live()));
    }

    async Task<BlastRadius> IBlastRadiusGrain.Read()
    {
        var quarantine = await GrainFactory.GetGrain<IQuarantineGrain>(0).Get();
        var live = Live();
        var now = time.GetUtcNow();
        return new BlastRadius(now, live.Select(report => report.Silo).Order(StringComparer.Ordinal).ToArray(), BlastRadiusMerge.Rows(live, quarantine, now), quarantine);
    }

    private List<CensusReport> Live()
    {
        var oldest = time.GetUtcNow() - 3 * options.Value.ReportInterval;
        foreach (var silo in _reports.Where(pair => pair.Value.At < oldest).Select(pair => pair.Key).ToList())
        {
            _reports.Remove(silo);
        }

        return [.. _reports.Values];
    }
}
