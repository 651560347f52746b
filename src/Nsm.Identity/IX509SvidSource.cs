namespace Nsm.Identity;

/// <summary>Where the current SVID comes from (the SPIFFE Workload API, files): asked anew for each connection and token, so rotation applies without a restart.</summary>
public interface IX509SvidSource
{
    /// <summary>The SVID to use now.</summary>
    /// <exception cref="IdentityUnavailableException">No usable SVID: none fetched yet, the last one expired, the source is down.</exception>
    X509Svid Current { get; }
}
