namespace Nsm.Healing.Connections;

/// <summary>The few questions <see cref="ConnectionMachine"/> asks of the world, answered without I/O.</summary>
public interface IConnectionEnvironment
{
    DateTimeOffset Now { get; }

    /// <summary>The silo this activation runs on, as stored with an attempt's claim.</summary>
    string LocalSilo { get; }

    /// <summary>The node this silo runs on (Nsm:Cluster:NodeName); empty when it does not know.</summary>
    string LocalNode { get; }

    /// <summary>Whether the cluster has an active silo on <paramref name="node"/>, as this silo knows now.</summary>
    bool NodeHasSilo(string node);

    /// <summary>The cluster's quarantines as this silo last heard of them, and where healthy NSEs are.</summary>
    Custody.QuarantineSnapshot Quarantine { get; }

    /// <summary>A uniform draw from [0, 1) for backoff jitter.</summary>
    double NextJitter();

    /// <summary>
    /// False once the cluster has declared <paramref name="silo"/> dead: it sends nothing more, and what its calls already
    /// asked for the NSMgr carries out before our next call for the connection (upstream's begin serves one connection's
    /// calls in arrival order). Only a silo still a member (a duplicate activation's) may still be sending.
    /// </summary>
    bool SiloMayBeAlive(string silo);
}
