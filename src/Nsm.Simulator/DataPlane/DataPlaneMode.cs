namespace Nsm.Simulator.DataPlane;

/// <summary>What the simulator's data plane is made of.</summary>
public enum DataPlaneMode
{
    /// <summary>A flag per connection: up while its forwarders and NSE live in the incarnation it was wired with.</summary>
    Model,

    /// <summary>
    /// Real vWires: a veth pair per kernel-mechanism connection, one end in the NSC's network namespace, the other in a
    /// namespace the simulator keeps for the NSE; the data-plane truth is read from the kernel. Start-up fails where
    /// the kernel refuses (no CAP_NET_ADMIN, no iproute2).
    /// </summary>
    Kernel,

    /// <summary><see cref="Kernel"/> where the kernel allows it, otherwise <see cref="Model"/>, saying why.</summary>
    Auto,
}
