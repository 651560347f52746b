namespace Nsm.Healing.Custody;

/// <summary>What a blast-radius row or a quarantine is about: an NSMgr, a forwarder or an NSE, named as in the path.</summary>
public enum EndpointKind
{
    Nsmgr = 0,
    Forwarder = 1,
    Nse = 2,
}
