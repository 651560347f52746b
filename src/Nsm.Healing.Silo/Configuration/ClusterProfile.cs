namespace Nsm.Healing.Silo.Configuration;

/// <summary>Where the cluster keeps its membership table, connection state and heal reminders.</summary>
public enum ClusterProfile
{
    /// <summary>Localhost clustering, memory grain storage, in-memory reminders: nothing to install, nothing survives a restart.</summary>
    Development,

    /// <summary>Redis for membership, grain state and reminders: healing survives any silo dying, or all of them.</summary>
    Redis,
}
