namespace Nsm.Simulator.Fabric;

/// <summary>
/// One connection's cross-connect through forwarders to an NSE. It lives in the fabric, not in NSMgr
/// memory, which is why it outlives an NSMgr restart and still expires if nobody restores it.
/// </summary>
internal sealed class Wire(
    string connectionId,
    string entryNsmgr,
    IReadOnlyList<NsmgrHop> nsmgrs,
    IReadOnlyList<WiredElement> forwarders,
    WiredElement nse,
    DateTimeOffset expires)
{
    public string ConnectionId { get; } = connectionId;

    public string EntryNsmgr { get; } = entryNsmgr;

    public IReadOnlyList<NsmgrHop> Nsmgrs { get; } = nsmgrs;

    public IReadOnlyList<WiredElement> Forwarders { get; } = forwarders;

    public WiredElement Nse { get; } = nse;

    public DateTimeOffset Expires { get; set; } = expires;

    /// <summary>Set by the "break data plane" fault: the vWire is gone but no control-plane event says so.</summary>
    public bool Broken { get; set; }

    /// <summary>The veth pair carrying it when the data plane is the kernel's and the mechanism is KERNEL; else null.</summary>
    public DataPlane.KernelVWire? VWire { get; set; }

    public IReadOnlyList<string> ForwarderNames() => [.. Forwarders.Select(f => f.Name)];
}
