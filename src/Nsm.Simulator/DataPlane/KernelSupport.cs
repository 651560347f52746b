namespace Nsm.Simulator.DataPlane;

/// <summary>
/// Whether this process may build kernel vWires: make a namespace, a veth pair inside it, and delete both. Probed once
/// per process (a start-up sweep of leftovers from crashed runs goes first).
/// </summary>
public static class KernelSupport
{
    private static readonly Lazy<string?> Refusal = new(Probe);

    /// <summary>Null when kernel vWires work here; otherwise why not, naming what to change.</summary>
    public static string? WhyUnavailable => Refusal.Value;

    private static string? Probe()
    {
        string? probe = null;
        try
        {
            OwnedNetworkNamespaces.SweepLeftovers(OwnedNetworkNamespaces.SimulatorPrefix);
            IpRoute.Tool("nsenter", ["--version"]);
            probe = OwnedNetworkNamespaces.Create(OwnedNetworkNamespaces.SimulatorPrefix);
            IpRoute.Run(NetnsRef.Named(probe), "link", "add", "probe0", "type", "veth", "peer", "name", "probe1");
            return null;
        }
        catch (KernelCommandException e)
        {
            return $"the kernel refused a test vWire ({e.Message}); kernel vWires need root (CAP_NET_ADMIN, CAP_SYS_ADMIN), iproute2 and util-linux";
        }
        finally
        {
            if (probe is not null)
            {
                OwnedNetworkNamespaces.Delete(probe);
            }
        }
    }
}
