using Orleans.Concurrency;

namespace Nsm.Healing.Admission;

/// <summary>
/// Admits heals against one NSMgr (keyed by its address), cluster-wide, so an NSMgr that returns with
/// thousands of connections to restore is never flooded. Refreshes and first Requests are not admitted here.
/// </summary>
[Alias("nsm.IHealAdmissionGrain")]
public interface IHealAdmissionGrain : IGrainWithStringKey
{
    /// <param name="attempt">The longest the heal's attempt may take (<see cref="Decisions.PermitLease.Longest"/>): its permit lasts at least that.</param>
    [Alias("TryAdmit")]
    Task<AdmissionDecision> TryAdmit(string connectionId, TimeSpan attempt);

    /// <summary>Grants or renews a silo's standing permit (see <see cref="AdmissionBudget.TryReserve"/>).</summary>
    [Alias("TryReserve")]
    Task<bool> TryReserve(string holder);

    [OneWay, Alias("GiveBack")]
    Task GiveBack(string holder);

    /// <param name="nsmgrAnswered">Whether the NSMgr answered the heal (success or rejection), as opposed to not at all.</param>
    [OneWay, Alias("Release")]
    Task Release(string connectionId, bool nsmgrAnswered);

    /// <summary>The NSMgr is back after an outage: slow start again.</summary>
    [OneWay, Alias("OnNsmgrReturned")]
    Task OnNsmgrReturned();

    [Alias("GetStatus")]
    Task<AdmissionStatus> GetStatus();
}
