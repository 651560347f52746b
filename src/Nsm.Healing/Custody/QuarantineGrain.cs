using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Grains;

namespace Nsm.Healing.Custody;

/// <summary>The cluster's quarantine, stored so that it outlives the silo holding it (see <see cref="IQuarantineGrain"/>).</summary>
public sealed class QuarantineGrain(
    [PersistentState("quarantine", HealingStorage.Name)] IPersistentState<QuarantineBook> book,
    IOptions<CustodyOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    CustodyMetrics metrics,
    ILogger<QuarantineGrain> logger) : Grain, IQuarantineGrain
{
    async Task<QuarantineSnapshot> IQuarantineGrain.ReportLoop(LoopReport report)
    {
        var now = time.GetUtcNow();
        var expired = QuarantineRules.Prune(book.State, options.Value, now);
        var imposed = QuarantineRules.Take(book.State, report, options.Value, now);
        foreach (var entry in expired)
        {
            CustodyLog.QuarantineExpired(logger, entry.Kind, entry.Name);
        }

        foreach (var entry in imposed)
        {
            metrics.Imposed(entry.Kind);
            CustodyLog.QuarantineImposed(logger, entry.Kind, entry.Name, entry.LoopingConnections, string.Join(",", entry.NetworkServices), entry.Until);
        }

        await book.WriteStateAsync();
        return book.State.Snapshot();
    }

    async Task<QuarantineSnapshot> IQuarantineGrain.Get()
    {
        foreach (var entry in QuarantineRules.Prune(book.State, options.Value, time.GetUtcNow()))
        {
            CustodyLog.QuarantineExpired(logger, entry.Kind, entry.Name);
            await book.WriteStateAsync();
        }

        return book.State.Snapshot();
    }

    async Task<bool> IQuarantineGrain.Lift(EndpointKind kind, string name, string reason)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("name: must name the NSE or forwarder to lift", nameof(name));
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            throw new ArgumentException("reason: must not be empty", nameof(reason));
        }

        var lifted = QuarantineRules.Lift(book.State, kind, name, reason.Trim(), time.GetUtcNow());
        await book.WriteStateAsync();
        if (lifted)
        {
            metrics.Lifted(kind);
            CustodyLog.QuarantineLifted(logger, kind, name, reason);
        }

        return lifted;
    }
}
