namespace Nsm.Identity;

/// <summary>
/// Our own identity cannot be used: no SVID yet, an expired one, an unreachable Workload API. Not a fault of the NSMgr
/// or of the data plane, so whoever catches it waits for identity instead of healing around it.
/// </summary>
public sealed class IdentityUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
