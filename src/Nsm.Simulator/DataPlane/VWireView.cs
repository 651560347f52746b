namespace Nsm.Simulator.DataPlane;

/// <summary>A connection's kernel vWire: its two ends, their addresses, and whether the kernel says it carries traffic now.</summary>
/// <param name="NscIfindex">The NSC end's ifindex when it was made; a restore that keeps the vWire keeps it.</param>
/// <param name="NseNamespace">The <c>ip netns</c> name of the namespace the simulator keeps for the NSE.</param>
public sealed record VWireView(
    string ConnectionId,
    string NscInterface,
    int NscIfindex,
    string NseNamespace,
    string NseInterface,
    string NscAddress,
    string NseAddress,
    bool Up);
