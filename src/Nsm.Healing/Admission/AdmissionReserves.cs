using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Nsm.Healing.Monitoring;

namespace Nsm.Healing.Admission;

/// <summary>
/// This silo's standing permits, one per NSMgr: the next heal against that NSMgr takes it without a round trip to the
/// admission, which is most of what an isolated heal would otherwise wait for before its Request. Once taken it is
/// replenished in the background, renewed well within its lease, and dropped when the admission declines to renew
/// it (heals are queueing, so the permit serves them instead). A refusal pauses replenishing for
/// <see cref="MonitorOptions.AdmissionRequery"/>, so a storm does not double the admission's traffic.
/// </summary>
public sealed class AdmissionReserves(
    IGrainFactory grains,
    IOptions<MonitorOptions> options,
    [FromKeyedServices(TimeProviderNames.Grains)] TimeProvider time,
    ILogger<AdmissionReserves> logger) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Slot> _slots = new(StringComparer.Ordinal);
    // Holder names unique to this silo process, so a restarted silo never renews its predecessor's reserve.
    private readonly string _instance = Guid.NewGuid().ToString("N")[..12];
    private long _sequence;

    private MonitorOptions Options => options.Value;

    /// <summary>Takes the reserve for <paramref name="nsmgr"/> if one is on hand and has lease enough left for the heal's <paramref name="attempt"/>.</summary>
    public bool TryTake(string nsmgr, TimeSpan attempt, [NotNullWhen(true)] out string? holder)
    {
        holder = null;
        lock (_lock)
        {
            if (!_slots.TryGetValue(nsmgr, out var slot) || slot.Holder is null)
            {
                return false;
            }

            if (slot.ValidUntil - time.GetUtcNow() < attempt)
            {
                // Renewals have been failing (the admission is unreachable), or this heal's calls may outlast the grant.
                Drop(nsmgr, slot);
                return false;
            }

            holder = slot.Holder;
            slot.Holder = null;
            slot.StopRenewing();
            return true;
        }
    }

    /// <summary>After a heal against <paramref name="nsmgr"/>: have a reserve on hand for the next one.</summary>
    public void Replenish(string nsmgr)
    {
        if (!Options.AdmissionSiloReserve)
        {
            return;
        }

        string holder;
        lock (_lock)
        {
            if (!_slots.TryGetValue(nsmgr, out var slot))
            {
                _slots[nsmgr] = slot = new Slot();
            }

            if (slot.Holder is not null || slot.Requesting || time.GetUtcNow() < slot.NotBefore)
            {
                return;
            }

            slot.Requesting = true;
            holder = $"reserve/{_instance}/{++_sequence}";
        }

        // Off the calling grain's scheduler: that activation may be gone by the time the answer comes.
        _ = Task.Run(() => RequestAsync(nsmgr, holder));
    }

    private async Task RequestAsync(string nsmgr, string holder)
    {
        var granted = await AskAsync(nsmgr, holder);
        lock (_lock)
        {
            var slot = _slots[nsmgr];
            slot.Requesting = false;
            if (granted)
            {
                slot.Holder = holder;
                slot.ValidUntil = time.GetUtcNow() + Options.AdmissionLease;
                var every = Options.AdmissionLease / 4;
                slot.Renewal = time.CreateTimer(_ => _ = RenewAsync(nsmgr, holder), null, every, every);
            }
            else
            {
                slot.NotBefore = time.GetUtcNow() + Options.AdmissionRequery;
            }
        }
    }

    private async Task RenewAsync(string nsmgr, string holder)
    {
        var renewed = await AskAsync(nsmgr, holder);
        lock (_lock)
        {
            var slot = _slots[nsmgr];
            if (slot.Holder != holder)
            {
                // Taken by a heal meanwhile: its Release ends the permit, whatever this renewal did to its lease.
                return;
            }

            if (renewed)
            {
                slot.ValidUntil = time.GetUtcNow() + Options.AdmissionLease;
            }
            else
            {
                slot.Holder = null;
                slot.StopRenewing();
                slot.NotBefore = time.GetUtcNow() + Options.AdmissionRequery;
            }
        }
    }

    private async Task<bool> AskAsync(string nsmgr, string holder)
    {
        try
        {
            return await grains.GetGrain<IHealAdmissionGrain>(nsmgr).TryReserve(holder);
        }
        catch (Exception e)
        {
            // Only a shortcut is lost: heals ask the admission one by one until a reserve is granted again.
            AdmissionLog.ReserveUnavailable(logger, nsmgr, e.Message);
            return false;
        }
    }

    private void Drop(string nsmgr, Slot slot)
    {
        var holder = slot.Holder!;
        slot.Holder = null;
        slot.StopRenewing();
        slot.NotBefore = time.GetUtcNow() + Options.AdmissionRequery;
        _ = Task.Run(() => grains.GetGrain<IHealAdmissionGrain>(nsmgr).GiveBack(holder));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var slot in _slots.Values)
            {
                slot.StopRenewing();
            }
        }
    }

    private sealed class Slot
    {
        public string? Holder { get; set; }

        public DateTimeOffset ValidUntil { get; set; }

        public bool Requesting { get; set; }

        /// <summary>After a refusal: no new request before this.</summary>
        public DateTimeOffset NotBefore { get; set; }

        public ITimer? Renewal { get; set; }

        public void StopRenewing()
        {
            Renewal?.Dispose();
            Renewal = null;
        }
    }
}
