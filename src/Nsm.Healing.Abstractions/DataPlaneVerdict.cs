namespace Nsm.Healing;

/// <summary>What the NSC (or a probe) says about the data plane of its connection.</summary>
public enum DataPlaneVerdict
{
    /// <summary>Nobody has said, or the last "up" is too old to trust.</summary>
    Unknown = 0,

    /// <summary>The liveness check passed recently.</summary>
    Up = 1,

    /// <summary>The liveness check failed: the vWire is gone.</summary>
    Down = 2,
}
