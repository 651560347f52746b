using Microsoft.Extensions.Logging;

namespace Nsm.Simulator.DataPlane;

/// <summary>Turns the asked-for mode into the one that runs: Auto becomes Kernel where the kernel allows it, Model otherwise, and says so.</summary>
internal static class DataPlaneChoice
{
    private static int _refusalLogged;

    public static (ActiveDataPlane Active, KernelVWires? Kernel) Resolve(DataPlaneMode asked, ILogger logger)
    {
        if (!Enum.IsDefined(asked))
        {
            throw new ArgumentOutOfRangeException(nameof(asked), asked, "the data plane mode must be Model, Kernel or Auto");
        }

        if (asked == DataPlaneMode.Model)
        {
            return (Log(new ActiveDataPlane(DataPlaneMode.Model, "modelled: a flag per connection, no interfaces"), logger), null);
        }

        if (KernelSupport.WhyUnavailable is { } reason)
        {
            if (asked == DataPlaneMode.Kernel)
            {
                throw new InvalidOperationException($"the kernel data plane was asked for, but {reason}");
            }

            // Once per process: a test run starts many simulators, and the reason is the same for each.
            if (Interlocked.Exchange(ref _refusalLogged, 1) == 0)
            {
                DataPlaneLog.KernelRefused(logger, reason);
            }

            return (Log(new ActiveDataPlane(DataPlaneMode.Model, $"modelled (booleans), because {reason}"), logger), null);
        }

        var description = $"kernel vWires: a veth pair per KERNEL connection in the NSC's namespace, NSE ends in namespaces "
            + $"{OwnedNetworkNamespaces.SimulatorPrefix}-{Environment.ProcessId}-N, addresses from {Fabric.AddressPlan.LinkLocal.Range}";
        return (Log(new ActiveDataPlane(DataPlaneMode.Kernel, description), logger), new KernelVWires());
    }

    private static ActiveDataPlane Log(ActiveDataPlane active, ILogger logger)
    {
        DataPlaneLog.DataPlaneChosen(logger, active.Mode, active.Description);
        return active;
    }
}
